package io.distillery.segml.metrics;

/**
 * Normalised surface Dice at a tolerance τ mm (Nikolov et al., "Clinically applicable segmentation
 * of head and neck anatomy for radiotherapy", JMIR 2021): {@code (|{p∈∂P : d(p,∂G) ≤ τ}| + |{g∈∂G :
 * d(g,∂P) ≤ τ}|) / (|∂P| + |∂G|)}, counted over surface voxels. Empty masks follow the Dice
 * convention [our choice]: both empty → 1, one empty → 0.
 */
public final class SurfaceDiceMetric {
  private SurfaceDiceMetric() {}

  /** NSD of classes 1..numClasses−1 at {@code toleranceMm}. */
  public static ClassScores compute(
      int[] prediction, int[] reference, int numClasses, VoxelGrid grid, double toleranceMm) {
    if (!(toleranceMm >= 0)) {
      throw new MetricInputException("tolerance must be >= 0 mm, got " + toleranceMm);
    }
    grid.requireMatches("prediction", prediction);
    grid.requireMatches("reference", reference);
    double[] out = new double[numClasses];
    out[0] = Double.NaN;
    for (int c = 1; c < numClasses; c++) {
      SurfaceDistances s = SurfaceDistances.of(prediction, reference, c, grid);
      if (s == null) {
        out[c] = HausdorffDistance95Metric.bothEmpty(prediction, reference, c) ? 1.0 : 0.0;
        continue;
      }
      int within =
          count(s.predictionToReference, toleranceMm) + count(s.referenceToPrediction, toleranceMm);
      out[c] = (double) within / (s.predictionToReference.length + s.referenceToPrediction.length);
    }
    return new ClassScores(out);
  }

  private static int count(double[] distances, double tolerance) {
    int n = 0;
    for (double d : distances) {
      n += d <= tolerance + 1e-9 ? 1 : 0;
    }
    return n;
  }
}
