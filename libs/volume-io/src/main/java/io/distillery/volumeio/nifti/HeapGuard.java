package io.distillery.volumeio.nifti;

import io.distillery.volumeio.Grid;
import io.distillery.volumeio.VolumeFormatException;

/**
 * Allocates voxel arrays only when the heap can hold them, so that a hostile or simply too large
 * header produces a {@link VolumeFormatException} instead of an {@link OutOfMemoryError}.
 */
final class HeapGuard {
  private HeapGuard() {}

  static float[] floats(long n) {
    check(n, 4);
    try {
      return new float[(int) n];
    } catch (OutOfMemoryError e) {
      throw tooLarge(n, 4);
    }
  }

  static short[] shorts(long n) {
    check(n, 2);
    try {
      return new short[(int) n];
    } catch (OutOfMemoryError e) {
      throw tooLarge(n, 2);
    }
  }

  static byte[] bytes(long n) {
    check(n, 1);
    try {
      return new byte[(int) n];
    } catch (OutOfMemoryError e) {
      throw tooLarge(n, 1);
    }
  }

  private static void check(long n, int elementBytes) {
    if (n > Grid.MAX_VOXELS) {
      throw new VolumeFormatException(
          n + " elements exceed the Java array limit of " + Grid.MAX_VOXELS);
    }
    Runtime rt = Runtime.getRuntime();
    long available = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
    if (n * elementBytes > available) {
      // Garbage may be counted as used; one collection makes the estimate honest before refusing.
      System.gc();
      available = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
      if (n * elementBytes > available) {
        throw tooLarge(n, elementBytes);
      }
    }
  }

  private static VolumeFormatException tooLarge(long n, int elementBytes) {
    Runtime rt = Runtime.getRuntime();
    return new VolumeFormatException(
        "volume needs "
            + (n * elementBytes >> 20)
            + " MiB for "
            + n
            + " voxels but the heap (max "
            + (rt.maxMemory() >> 20)
            + " MiB) cannot hold it");
  }
}
