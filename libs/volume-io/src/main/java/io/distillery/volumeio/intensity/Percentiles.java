package io.distillery.volumeio.intensity;

/**
 * Exact percentiles with numpy's default linear interpolation ({@code rank = p/100 · (n − 1)}),
 * computed by selection in O(n) on a copy, ignoring NaN.
 */
public final class Percentiles {
  private Percentiles() {}

  /**
   * Percentiles {@code ps} (each 0..100) of the non-NaN values.
   *
   * @throws IllegalArgumentException if there are no non-NaN values or a percentile is out of range
   */
  public static double[] of(float[] values, double... ps) {
    float[] a = new float[values.length];
    int n = 0;
    for (float v : values) {
      if (!Float.isNaN(v)) {
        a[n++] = v;
      }
    }
    if (n == 0) {
      throw new IllegalArgumentException("no non-NaN values");
    }
    double[] out = new double[ps.length];
    for (int k = 0; k < ps.length; k++) {
      double p = ps[k];
      if (!(p >= 0 && p <= 100)) {
        throw new IllegalArgumentException("percentile must be in 0..100: " + p);
      }
      double rank = p / 100.0 * (n - 1);
      int lo = (int) Math.floor(rank);
      double vlo = select(a, n, lo);
      if (rank == lo) {
        out[k] = vlo;
      } else {
        // After selecting lo, everything right of it is >= a[lo]; the next order statistic is their
        // min.
        float next = Float.POSITIVE_INFINITY;
        for (int i = lo + 1; i < n; i++) {
          next = Math.min(next, a[i]);
        }
        out[k] = vlo + (rank - lo) * (next - vlo);
      }
    }
    return out;
  }

  /** The k-th smallest of {@code a[0..n)}, partially reordering it (3-way quickselect). */
  static float select(float[] a, int n, int k) {
    int lo = 0;
    int hi = n - 1;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      float pivot = median(a[lo], a[mid], a[hi]);
      int lt = lo;
      int gt = hi;
      int i = lo;
      // Dutch-flag partition: many equal values (air at -1024 HU) must not make this quadratic.
      while (i <= gt) {
        float v = a[i];
        if (v < pivot) {
          a[i++] = a[lt];
          a[lt++] = v;
        } else if (v > pivot) {
          a[i] = a[gt];
          a[gt--] = v;
        } else {
          i++;
        }
      }
      if (k < lt) {
        hi = lt - 1;
      } else if (k > gt) {
        lo = gt + 1;
      } else {
        return pivot;
      }
    }
    return a[lo];
  }

  private static float median(float a, float b, float c) {
    return Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
  }
}
