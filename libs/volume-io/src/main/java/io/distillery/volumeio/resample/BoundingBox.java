package io.distillery.volumeio.resample;

import io.distillery.volumeio.Grid;
import io.distillery.volumeio.LabelVolume;
import io.distillery.volumeio.Volume;
import java.util.Arrays;
import java.util.Optional;

/**
 * An axis-aligned box of voxel indices, {@code start} inclusive and {@code end} exclusive per axis.
 * Boxes may extend outside a grid (then cropping pads).
 */
public record BoundingBox(int[] start, int[] end) {
  public BoundingBox {
    start = start.clone();
    end = end.clone();
    if (start.length != 3 || end.length != 3) {
      throw new IllegalArgumentException("need 3 axes");
    }
    for (int i = 0; i < 3; i++) {
      if (end[i] <= start[i]) {
        throw new IllegalArgumentException(
            "empty box: " + Arrays.toString(start) + " .. " + Arrays.toString(end));
      }
    }
  }

  /** Size along each axis. */
  public int[] size() {
    return new int[] {end[0] - start[0], end[1] - start[1], end[2] - start[2]};
  }

  /** The tightest box around non-zero labels; empty when there are none. */
  public static Optional<BoundingBox> ofForeground(LabelVolume labels) {
    Grid g = labels.grid();
    short[] d = labels.data();
    return scan(g, i -> d[i] != 0);
  }

  /** The tightest box around voxels with value {@code > threshold} (e.g. body above −500 HU). */
  public static Optional<BoundingBox> ofThreshold(Volume v, float threshold) {
    float[] d = v.data();
    return scan(v.grid(), i -> d[i] > threshold);
  }

  private interface VoxelTest {
    boolean test(int i);
  }

  private static Optional<BoundingBox> scan(Grid g, VoxelTest t) {
    int[] lo = {Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE};
    int[] hi = {-1, -1, -1};
    int i = 0;
    for (int z = 0; z < g.nz(); z++) {
      for (int y = 0; y < g.ny(); y++) {
        for (int x = 0; x < g.nx(); x++, i++) {
          if (t.test(i)) {
            lo[0] = Math.min(lo[0], x);
            hi[0] = Math.max(hi[0], x);
            lo[1] = Math.min(lo[1], y);
            hi[1] = Math.max(hi[1], y);
            lo[2] = Math.min(lo[2], z);
            hi[2] = Math.max(hi[2], z);
          }
        }
      }
    }
    if (hi[0] < 0) {
      return Optional.empty();
    }
    return Optional.of(new BoundingBox(lo, new int[] {hi[0] + 1, hi[1] + 1, hi[2] + 1}));
  }

  /** Grown by {@code margin} voxels on every side. */
  public BoundingBox expand(int... margin) {
    int[] m = margin.length == 1 ? new int[] {margin[0], margin[0], margin[0]} : margin;
    return new BoundingBox(
        new int[] {start[0] - m[0], start[1] - m[1], start[2] - m[2]},
        new int[] {end[0] + m[0], end[1] + m[1], end[2] + m[2]});
  }

  /** Grown by {@code mm} millimetres on every side, rounded up to whole voxels of {@code g}. */
  public BoundingBox expandMm(Grid g, double mm) {
    double[] s = g.spacing();
    return expand(
        (int) Math.ceil(mm / s[0] - 1e-9),
        (int) Math.ceil(mm / s[1] - 1e-9),
        (int) Math.ceil(mm / s[2] - 1e-9));
  }

  /** Intersected with the grid's extent. */
  public BoundingBox clipTo(Grid g) {
    int[] s = new int[3];
    int[] e = new int[3];
    for (int i = 0; i < 3; i++) {
      s[i] = Math.max(0, start[i]);
      e[i] = Math.min(g.dim(i), end[i]);
    }
    return new BoundingBox(s, e);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof BoundingBox b && Arrays.equals(start, b.start) && Arrays.equals(end, b.end);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(start) + Arrays.hashCode(end);
  }

  @Override
  public String toString() {
    return "BoundingBox" + Arrays.toString(start) + ".." + Arrays.toString(end);
  }
}
