package io.distillery.volumeio.orientation;

import io.distillery.volumeio.Affine;
import io.distillery.volumeio.Grid;
import io.distillery.volumeio.LabelVolume;
import io.distillery.volumeio.Volume;
import java.util.Arrays;

/**
 * A reorientation without interpolation: new voxel axis {@code i} is old axis {@code perm[i]},
 * reversed when {@code flip[i]}. Voxel values are moved, never resampled, and the affine is updated
 * so that every voxel keeps its world position exactly (columns permuted and negated, the origin
 * moved to the new first voxel).
 */
public record AxisTransform(int[] perm, boolean[] flip) {
  public AxisTransform {
    perm = perm.clone();
    flip = flip.clone();
    if (perm.length != 3 || flip.length != 3) {
      throw new IllegalArgumentException("need 3 axes");
    }
    boolean[] seen = new boolean[3];
    for (int p : perm) {
      if (p < 0 || p > 2 || seen[p]) {
        throw new IllegalArgumentException("not a permutation of 0,1,2: " + Arrays.toString(perm));
      }
      seen[p] = true;
    }
  }

  /** The transform that changes nothing. */
  public static AxisTransform identity() {
    return new AxisTransform(new int[] {0, 1, 2}, new boolean[3]);
  }

  public boolean isIdentity() {
    return perm[0] == 0 && perm[1] == 1 && perm[2] == 2 && !flip[0] && !flip[1] && !flip[2];
  }

  /** The transform that undoes this one. */
  public AxisTransform inverse() {
    int[] inv = new int[3];
    boolean[] invFlip = new boolean[3];
    for (int i = 0; i < 3; i++) {
      inv[perm[i]] = i;
      invFlip[perm[i]] = flip[i];
    }
    return new AxisTransform(inv, invFlip);
  }

  /** The grid after the transform. */
  public Grid apply(Grid g) {
    int[] n = g.shape();
    Affine a = g.affine();
    double[] rows = new double[12];
    for (int r = 0; r < 3; r++) {
      double offset = a.get(r, 3);
      for (int i = 0; i < 3; i++) {
        double c = a.get(r, perm[i]);
        rows[r * 4 + i] = flip[i] ? -c : c;
        if (flip[i] && c != 0) {
          // Skipping zero terms keeps a −0.0 offset bit-identical, so that there and back is exact.
          offset += c * (n[perm[i]] - 1);
        }
      }
      rows[r * 4 + 3] = offset;
    }
    return new Grid(n[perm[0]], n[perm[1]], n[perm[2]], Affine.of3x4(rows));
  }

  /** The volume with voxels moved and the affine updated. */
  public Volume apply(Volume v) {
    if (isIdentity()) {
      return v;
    }
    Grid g = v.grid();
    float[] src = v.data();
    float[] dst = new float[src.length];
    Walk w = new Walk(g);
    int p = 0;
    for (int z = 0; z < w.m[2]; z++) {
      int bz = w.base + z * w.step[2];
      for (int y = 0; y < w.m[1]; y++) {
        int by = bz + y * w.step[1];
        int sx = w.step[0];
        for (int x = 0; x < w.m[0]; x++) {
          dst[p++] = src[by + x * sx];
        }
      }
    }
    return v.withGridAndData(apply(g), dst);
  }

  /** The label map with voxels moved and the affine updated. */
  public LabelVolume apply(LabelVolume v) {
    if (isIdentity()) {
      return v;
    }
    Grid g = v.grid();
    short[] src = v.data();
    short[] dst = new short[src.length];
    Walk w = new Walk(g);
    int p = 0;
    for (int z = 0; z < w.m[2]; z++) {
      int bz = w.base + z * w.step[2];
      for (int y = 0; y < w.m[1]; y++) {
        int by = bz + y * w.step[1];
        int sx = w.step[0];
        for (int x = 0; x < w.m[0]; x++) {
          dst[p++] = src[by + x * sx];
        }
      }
    }
    return v.withGridAndData(apply(g), dst);
  }

  /**
   * Source-index arithmetic: new voxel (x, y, z) reads old linear index base + Σ step[i]·coord[i].
   */
  private final class Walk {
    final int[] m = new int[3];
    final int[] step = new int[3];
    int base;

    Walk(Grid g) {
      int[] n = g.shape();
      int[] stride = {1, n[0], n[0] * n[1]};
      for (int i = 0; i < 3; i++) {
        int old = perm[i];
        m[i] = n[old];
        step[i] = flip[i] ? -stride[old] : stride[old];
        if (flip[i]) {
          base += (n[old] - 1) * stride[old];
        }
      }
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AxisTransform t
        && Arrays.equals(perm, t.perm)
        && Arrays.equals(flip, t.flip);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(perm) + Arrays.hashCode(flip);
  }

  @Override
  public String toString() {
    return "AxisTransform[perm=" + Arrays.toString(perm) + ", flip=" + Arrays.toString(flip) + "]";
  }
}
