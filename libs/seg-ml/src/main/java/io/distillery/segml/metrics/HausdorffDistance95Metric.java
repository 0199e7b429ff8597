package io.distillery.segml.metrics;

import java.util.Arrays;

/**
 * 95th-percentile symmetric Hausdorff distance in mm (Huttenlocher et al. 1993; the HD95 of the
 * Medical Segmentation Decathlon and MONAI): {@code max(P95(d(∂P→∂G)), P95(d(∂G→∂P)))} over surface
 * voxels, with exact Euclidean distances at the grid's anisotropic spacing and linear interpolation
 * between order statistics (numpy's default percentile). Empty-mask convention (methods.md): one
 * mask empty → {@code NaN}, counted by {@link ClassScores#nanCount()}; both empty → 0 mm [our
 * choice].
 */
public final class HausdorffDistance95Metric {
  private HausdorffDistance95Metric() {}

  /** HD95 of classes 1..numClasses−1. */
  public static ClassScores compute(
      int[] prediction, int[] reference, int numClasses, VoxelGrid grid) {
    grid.requireMatches("prediction", prediction);
    grid.requireMatches("reference", reference);
    double[] out = new double[numClasses];
    out[0] = Double.NaN;
    for (int c = 1; c < numClasses; c++) {
      SurfaceDistances s = SurfaceDistances.of(prediction, reference, c, grid);
      if (s == null) {
        out[c] = bothEmpty(prediction, reference, c) ? 0.0 : Double.NaN;
      } else {
        out[c] =
            Math.max(
                percentile(s.predictionToReference, 95), percentile(s.referenceToPrediction, 95));
      }
    }
    return new ClassScores(out);
  }

  static boolean bothEmpty(int[] prediction, int[] reference, int c) {
    for (int i = 0; i < prediction.length; i++) {
      if (prediction[i] == c || reference[i] == c) {
        return false;
      }
    }
    return true;
  }

  /** Percentile with linear interpolation (numpy {@code percentile}, method "linear"). */
  static double percentile(double[] values, double percent) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    double rank = percent / 100 * (sorted.length - 1);
    int below = (int) Math.floor(rank);
    int above = Math.min(below + 1, sorted.length - 1);
    return sorted[below] + (rank - below) * (sorted[above] - sorted[below]);
  }
}
