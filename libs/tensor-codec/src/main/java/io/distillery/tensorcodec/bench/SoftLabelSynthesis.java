package io.distillery.tensorcodec.bench;

import java.util.SplittableRandom;

/**
 * Realistic stand-in for a binary teacher's output, derived from a label map until trained teachers
 * exist: {@code p = sigmoid(−sd/w + ε)}, where {@code sd} is the signed Euclidean distance in mm
 * (physical voxel spacing) from the voxel centre to the nearest voxel of the other class (positive
 * outside the organ, negative inside), {@code w} the boundary width in mm, and {@code ε ~ N(0, σ²)}
 * independent logit noise per voxel.
 */
public final class SoftLabelSynthesis {

  /**
   * A binary mask: voxels in file order (x fastest, then y, then z), non-zero = foreground.
   *
   * @param nx voxels along x
   * @param ny voxels along y
   * @param nz voxels along z
   * @param spacing voxel spacing (x, y, z) in mm
   * @param voxels nx·ny·nz values
   */
  public record LabelVolume(int nx, int ny, int nz, double[] spacing, byte[] voxels) {}

  private SoftLabelSynthesis() {}

  /** Signed distance in mm of every voxel (x fastest), from exact squared EDTs. */
  public static float[] signedDistance(LabelVolume label) {
    float[] outside = squaredDistanceTo(label, true);
    float[] inside = squaredDistanceTo(label, false);
    byte[] v = label.voxels();
    float[] sd = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      sd[i] = v[i] != 0 ? (float) -Math.sqrt(inside[i]) : (float) Math.sqrt(outside[i]);
    }
    return sd;
  }

  /** {@code sigmoid(−sd/w + ε)} per voxel, with {@code ε ~ N(0, σ²)} from a seeded generator. */
  public static float[] probabilities(
      float[] signedDistance, double widthMm, double noiseSigma, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[] p = new float[signedDistance.length];
    for (int i = 0; i < p.length; i++) {
      double logit = -signedDistance[i] / widthMm;
      if (noiseSigma > 0) {
        logit += noiseSigma * random.nextGaussian();
      }
      p[i] = (float) (1 / (1 + Math.exp(-logit)));
    }
    return p;
  }

  /**
   * Squared distance in mm² to the nearest voxel whose label is foreground ({@code toForeground})
   * or background; Felzenszwalb–Huttenlocher's separable lower-envelope transform, one pass per
   * axis with that axis's spacing.
   */
  private static float[] squaredDistanceTo(LabelVolume label, boolean toForeground) {
    byte[] v = label.voxels();
    float[] f = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      f[i] = (v[i] != 0) == toForeground ? 0f : Float.POSITIVE_INFINITY;
    }
    int nx = label.nx();
    int ny = label.ny();
    int nz = label.nz();
    int maxLength = Math.max(nx, Math.max(ny, nz));
    Line line = new Line(maxLength);
    for (int z = 0; z < nz; z++) {
      for (int y = 0; y < ny; y++) {
        line.transform(f, (z * ny + y) * nx, 1, nx, label.spacing()[0]);
      }
    }
    for (int z = 0; z < nz; z++) {
      for (int x = 0; x < nx; x++) {
        line.transform(f, z * ny * nx + x, nx, ny, label.spacing()[1]);
      }
    }
    for (int y = 0; y < ny; y++) {
      for (int x = 0; x < nx; x++) {
        line.transform(f, y * nx + x, nx * ny, nz, label.spacing()[2]);
      }
    }
    return f;
  }

  /** Work arrays for the 1-D transform of one line. */
  private static final class Line {
    private final double[] values;
    private final int[] apex;
    private final double[] boundary;

    Line(int maxLength) {
      values = new double[maxLength];
      apex = new int[maxLength];
      boundary = new double[maxLength + 1];
    }

    void transform(float[] f, int start, int stride, int n, double spacing) {
      int k = -1;
      for (int q = 0; q < n; q++) {
        values[q] = f[start + q * stride];
        if (values[q] == Double.POSITIVE_INFINITY) {
          continue; // no parabola: nothing of the target class here
        }
        double s = 0;
        while (k >= 0) {
          int p = apex[k];
          s =
              ((values[q] + sq(q * spacing)) - (values[p] + sq(p * spacing)))
                  / (2 * spacing * (q - p));
          if (s > boundary[k]) {
            break;
          }
          k--;
        }
        k++;
        apex[k] = q;
        boundary[k] = k == 0 ? Double.NEGATIVE_INFINITY : s;
        boundary[k + 1] = Double.POSITIVE_INFINITY;
      }
      if (k < 0) {
        return; // the whole line stays at infinity
      }
      int j = 0;
      for (int q = 0; q < n; q++) {
        while (boundary[j + 1] < q * spacing) {
          j++;
        }
        int p = apex[j];
        f[start + q * stride] = (float) (sq((q - p) * spacing) + values[p]);
      }
    }

    private static double sq(double x) {
      return x * x;
    }
  }
}
