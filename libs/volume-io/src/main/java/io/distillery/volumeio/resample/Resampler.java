package io.distillery.volumeio.resample;

import io.distillery.volumeio.Affine;
import io.distillery.volumeio.Grid;
import io.distillery.volumeio.LabelVolume;
import io.distillery.volumeio.Volume;

/**
 * Resampling onto another grid through world coordinates: trilinear for intensity volumes, nearest
 * neighbour for label maps. Each target voxel centre is mapped to a continuous source index;
 * positions outside the source are clamped to its border voxels (edge replication) [our choice: no
 * artificial zero band at the border]. Source indices within 1e-9 of an integer are snapped to it
 * so that resampling onto an aligned grid copies values exactly.
 */
public final class Resampler {
  private static final double SNAP = 1e-9;

  private Resampler() {}

  /**
   * The grid covering the same field of view with spacing {@code target} (mm, per voxel axis):
   * shape {@code m = max(1, round(n · s / t))}, axis directions kept, centres of the two fields of
   * view coinciding.
   */
  public static Grid gridWithSpacing(Grid g, double... target) {
    if (target.length != 3) {
      throw new IllegalArgumentException("need 3 spacings");
    }
    double[] s = g.spacing();
    int[] m = new int[3];
    double[] scale = new double[3];
    for (int i = 0; i < 3; i++) {
      if (!(target[i] > 0) || !Double.isFinite(target[i])) {
        throw new IllegalArgumentException("target spacing must be finite and > 0: " + target[i]);
      }
      long mi = Math.max(1, Math.round(g.dim(i) * s[i] / target[i]));
      if (mi > Integer.MAX_VALUE) {
        throw new IllegalArgumentException(
            "target spacing " + target[i] + " gives too many voxels");
      }
      m[i] = (int) mi;
      scale[i] = target[i] / s[i];
    }
    return centred(g, m, scale);
  }

  /**
   * The grid of shape {@code shape} covering exactly the same field of view (voxel edges aligned):
   * spacing {@code s · n / m}.
   */
  public static Grid gridWithShape(Grid g, int... shape) {
    if (shape.length != 3) {
      throw new IllegalArgumentException("need 3 dimensions");
    }
    double[] scale = new double[3];
    for (int i = 0; i < 3; i++) {
      if (shape[i] < 1) {
        throw new IllegalArgumentException("shape must be >= 1: " + shape[i]);
      }
      scale[i] = (double) g.dim(i) / shape[i];
    }
    return centred(g, shape, scale);
  }

  private static Grid centred(Grid g, int[] m, double[] scale) {
    Affine a = g.affine();
    double[] rows = new double[12];
    double[] centre = a.apply((g.nx() - 1) / 2.0, (g.ny() - 1) / 2.0, (g.nz() - 1) / 2.0);
    for (int r = 0; r < 3; r++) {
      double origin = centre[r];
      for (int c = 0; c < 3; c++) {
        double col = a.get(r, c) * scale[c];
        rows[r * 4 + c] = col;
        origin -= col * (m[c] - 1) / 2.0;
      }
      rows[r * 4 + 3] = origin;
    }
    return new Grid(m[0], m[1], m[2], Affine.of3x4(rows));
  }

  /** Trilinear resampling to spacing {@code target} mm. */
  public static Volume toSpacing(Volume v, double... target) {
    return toGrid(v, gridWithSpacing(v.grid(), target));
  }

  /** Nearest-neighbour resampling to spacing {@code target} mm. */
  public static LabelVolume toSpacing(LabelVolume v, double... target) {
    return toGrid(v, gridWithSpacing(v.grid(), target));
  }

  /** Trilinear resampling to {@code shape}, same field of view. */
  public static Volume toShape(Volume v, int... shape) {
    return toGrid(v, gridWithShape(v.grid(), shape));
  }

  /** Nearest-neighbour resampling to {@code shape}, same field of view. */
  public static LabelVolume toShape(LabelVolume v, int... shape) {
    return toGrid(v, gridWithShape(v.grid(), shape));
  }

  /** Trilinear resampling onto {@code target} (any affine). */
  public static Volume toGrid(Volume v, Grid target) {
    Grid src = v.grid();
    float[] in = v.data();
    float[] out = new float[target.size()];
    int nx = src.nx();
    int ny = src.ny();
    int nz = src.nz();
    int sxy = nx * ny;
    Affine m = src.affine().inverse().multiply(target.affine());
    int p = 0;
    for (int z = 0; z < target.nz(); z++) {
      for (int y = 0; y < target.ny(); y++) {
        double bx = m.get(0, 1) * y + m.get(0, 2) * z + m.get(0, 3);
        double by = m.get(1, 1) * y + m.get(1, 2) * z + m.get(1, 3);
        double bz = m.get(2, 1) * y + m.get(2, 2) * z + m.get(2, 3);
        for (int x = 0; x < target.nx(); x++) {
          double fx = clampSnap(bx + m.get(0, 0) * x, nx);
          double fy = clampSnap(by + m.get(1, 0) * x, ny);
          double fz = clampSnap(bz + m.get(2, 0) * x, nz);
          int x0 = (int) fx;
          int y0 = (int) fy;
          int z0 = (int) fz;
          double wx = fx - x0;
          double wy = fy - y0;
          double wz = fz - z0;
          int dx = x0 + 1 < nx ? 1 : 0;
          int dy = y0 + 1 < ny ? nx : 0;
          int dz = z0 + 1 < nz ? sxy : 0;
          int i = x0 + nx * y0 + sxy * z0;
          double c00 = in[i] + wx * (in[i + dx] - in[i]);
          double c10 = in[i + dy] + wx * (in[i + dy + dx] - in[i + dy]);
          double c01 = in[i + dz] + wx * (in[i + dz + dx] - in[i + dz]);
          double c11 = in[i + dz + dy] + wx * (in[i + dz + dy + dx] - in[i + dz + dy]);
          double c0 = c00 + wy * (c10 - c00);
          double c1 = c01 + wy * (c11 - c01);
          out[p++] = (float) (c0 + wz * (c1 - c0));
        }
      }
    }
    return v.withGridAndData(target, out);
  }

  /** Nearest-neighbour resampling onto {@code target} (any affine); label names are kept. */
  public static LabelVolume toGrid(LabelVolume v, Grid target) {
    Grid src = v.grid();
    short[] in = v.data();
    short[] out = new short[target.size()];
    int nx = src.nx();
    int ny = src.ny();
    int nz = src.nz();
    Affine m = src.affine().inverse().multiply(target.affine());
    int p = 0;
    for (int z = 0; z < target.nz(); z++) {
      for (int y = 0; y < target.ny(); y++) {
        double bx = m.get(0, 1) * y + m.get(0, 2) * z + m.get(0, 3);
        double by = m.get(1, 1) * y + m.get(1, 2) * z + m.get(1, 3);
        double bz = m.get(2, 1) * y + m.get(2, 2) * z + m.get(2, 3);
        for (int x = 0; x < target.nx(); x++) {
          int ix = nearest(bx + m.get(0, 0) * x, nx);
          int iy = nearest(by + m.get(1, 0) * x, ny);
          int iz = nearest(bz + m.get(2, 0) * x, nz);
          out[p++] = in[ix + nx * (iy + ny * iz)];
        }
      }
    }
    return v.withGridAndData(target, out);
  }

  private static double clampSnap(double f, int n) {
    double r = Math.rint(f);
    if (Math.abs(f - r) < SNAP) {
      f = r;
    }
    if (f <= 0) {
      return 0;
    }
    return Math.min(f, n - 1);
  }

  private static int nearest(double f, int n) {
    // Half-way points round up (floor(f + 0.5)), after snapping away floating-point noise.
    int i = (int) Math.floor(clampSnap(f, n) + 0.5);
    return Math.min(i, n - 1);
  }
}
