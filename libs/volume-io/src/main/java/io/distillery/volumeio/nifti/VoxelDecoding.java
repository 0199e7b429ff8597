package io.distillery.volumeio.nifti;

import io.distillery.volumeio.LabelVolume;
import io.distillery.volumeio.VolumeFormatException;
import java.nio.ByteBuffer;

/** Conversion of raw voxel chunks (in the file's byte order) to floats or labels. */
final class VoxelDecoding {
  private VoxelDecoding() {}

  /** {@code scl_slope}/{@code scl_inter} as applied: {@code value = slope · raw + inter}. */
  record Scaling(double slope, double inter, boolean active) {
    Scaling(NiftiHeader h) {
      this(h.effectiveSlope(), h.effectiveInter(), h.hasScaling());
    }
  }

  static void toFloat(NiftiDataType t, ByteBuffer b, int n, float[] out, int off, Scaling s) {
    if (s.active()) {
      double m = s.slope();
      double c = s.inter();
      for (int i = 0; i < n; i++) {
        out[off + i] = (float) (raw(t, b, i) * m + c);
      }
      return;
    }
    switch (t) {
      case UINT8 -> {
        for (int i = 0; i < n; i++) {
          out[off + i] = b.get(i) & 0xFF;
        }
      }
      case INT8 -> {
        for (int i = 0; i < n; i++) {
          out[off + i] = b.get(i);
        }
      }
      case INT16 -> {
        for (int i = 0; i < n; i++) {
          out[off + i] = b.getShort(i << 1);
        }
      }
      case UINT16 -> {
        for (int i = 0; i < n; i++) {
          out[off + i] = b.getShort(i << 1) & 0xFFFF;
        }
      }
      case INT32 -> {
        for (int i = 0; i < n; i++) {
          out[off + i] = b.getInt(i << 2);
        }
      }
      case UINT32 -> {
        for (int i = 0; i < n; i++) {
          out[off + i] = b.getInt(i << 2) & 0xFFFFFFFFL;
        }
      }
      case FLOAT32 -> {
        for (int i = 0; i < n; i++) {
          out[off + i] = b.getFloat(i << 2);
        }
      }
      case FLOAT64 -> {
        for (int i = 0; i < n; i++) {
          out[off + i] = (float) b.getDouble(i << 3);
        }
      }
    }
  }

  static void toLabel(NiftiDataType t, ByteBuffer b, int n, short[] out, int off, Scaling s) {
    for (int i = 0; i < n; i++) {
      double v = raw(t, b, i);
      if (s.active()) {
        v = v * s.slope() + s.inter();
      }
      if (!(v >= 0 && v <= LabelVolume.MAX_LABEL) || v != Math.rint(v)) {
        throw new VolumeFormatException(
            "label value "
                + v
                + " at voxel "
                + (off + i)
                + " is not an integer in 0.."
                + LabelVolume.MAX_LABEL);
      }
      out[off + i] = (short) (int) v;
    }
  }

  /** Element {@code i} of the chunk as a double (exact for every supported type). */
  static double raw(NiftiDataType t, ByteBuffer b, int i) {
    return switch (t) {
      case UINT8 -> b.get(i) & 0xFF;
      case INT8 -> b.get(i);
      case INT16 -> b.getShort(i << 1);
      case UINT16 -> b.getShort(i << 1) & 0xFFFF;
      case INT32 -> b.getInt(i << 2);
      case UINT32 -> b.getInt(i << 2) & 0xFFFFFFFFL;
      case FLOAT32 -> b.getFloat(i << 2);
      case FLOAT64 -> b.getDouble(i << 3);
    };
  }
}
