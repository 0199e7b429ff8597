package io.distillery.segml.metrics;

/**
 * Exact squared Euclidean distance transform with anisotropic spacing (Felzenszwalb and
 * Huttenlocher, "Distance Transforms of Sampled Functions", Theory of Computing 2012): three
 * separable passes of the 1-D lower-envelope algorithm, O(voxels). Arrays are {@code D×H×W}, W
 * fastest.
 */
public final class EuclideanDistanceTransform {
  private EuclideanDistanceTransform() {}

  /**
   * Squared distance in mm² from every voxel to the nearest feature voxel; {@code +∞} everywhere if
   * there is none.
   */
  public static double[] squaredDistances(
      boolean[] feature, int depth, int height, int width, double[] spacingMm) {
    int n = depth * height * width;
    if (feature.length != n) {
      throw new MetricInputException(
          "feature mask has " + feature.length + " voxels, expected " + n);
    }
    double[] f = new double[n];
    for (int i = 0; i < n; i++) {
      f[i] = feature[i] ? 0 : Double.POSITIVE_INFINITY;
    }
    int longest = Math.max(depth, Math.max(height, width));
    Scratch s = new Scratch(longest);
    // W axis: stride 1.
    for (int z = 0; z < depth; z++) {
      for (int y = 0; y < height; y++) {
        transformLine(f, (z * height + y) * width, 1, width, spacingMm[2], s);
      }
    }
    for (int z = 0; z < depth; z++) {
      for (int x = 0; x < width; x++) {
        transformLine(f, z * height * width + x, width, height, spacingMm[1], s);
      }
    }
    int plane = height * width;
    for (int i = 0; i < plane; i++) {
      transformLine(f, i, plane, depth, spacingMm[0], s);
    }
    return f;
  }

  /** Reusable buffers of one line. */
  private static final class Scratch {
    final double[] values;
    final double[] out;
    final int[] v;
    final double[] z;

    Scratch(int n) {
      values = new double[n];
      out = new double[n];
      v = new int[n];
      z = new double[n + 1];
    }
  }

  private static double parabolaIntersection(double[] g, int p, int q, double spacing) {
    double pp = p * spacing;
    double pq = q * spacing;
    return ((g[q] + pq * pq) - (g[p] + pp * pp)) / (2 * (pq - pp));
  }

  private static void transformLine(
      double[] f, int offset, int stride, int n, double spacing, Scratch s) {
    double[] g = s.values;
    for (int q = 0; q < n; q++) {
      g[q] = f[offset + q * stride];
    }
    int k = -1;
    for (int q = 0; q < n; q++) {
      if (g[q] == Double.POSITIVE_INFINITY) {
        continue;
      }
      if (k < 0) {
        k = 0;
        s.v[0] = q;
        s.z[0] = Double.NEGATIVE_INFINITY;
        s.z[1] = Double.POSITIVE_INFINITY;
        continue;
      }
      double boundary = parabolaIntersection(g, s.v[k], q, spacing);
      // z[0] = −∞ stops the loop at the first parabola.
      while (boundary <= s.z[k]) {
        k--;
        boundary = parabolaIntersection(g, s.v[k], q, spacing);
      }
      k++;
      s.v[k] = q;
      s.z[k] = boundary;
      s.z[k + 1] = Double.POSITIVE_INFINITY;
    }
    if (k < 0) {
      return; // no finite value on this line: it stays +∞
    }
    int j = 0;
    for (int q = 0; q < n; q++) {
      double pq = q * spacing;
      while (s.z[j + 1] < pq) {
        j++;
      }
      double d = pq - s.v[j] * spacing;
      s.out[q] = d * d + g[s.v[j]];
    }
    for (int q = 0; q < n; q++) {
      f[offset + q * stride] = s.out[q];
    }
  }
}
