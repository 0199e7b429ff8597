package io.distillery.segml.metrics;

/**
 * Dice similarity {@code 2|P∩G| / (|P|+|G|)} per foreground class. Empty-mask convention
 * (methods.md): both empty → 1, one empty → 0.
 */
public final class DiceMetric {
  private DiceMetric() {}

  /** Dice of classes 1..numClasses−1 between a prediction and a reference label map. */
  public static ClassScores compute(int[] prediction, int[] reference, int numClasses) {
    if (prediction.length != reference.length) {
      throw new MetricInputException(
          "prediction has " + prediction.length + " voxels, reference " + reference.length);
    }
    long[] predCount = new long[numClasses];
    long[] refCount = new long[numClasses];
    long[] both = new long[numClasses];
    for (int i = 0; i < prediction.length; i++) {
      int p = prediction[i];
      int g = reference[i];
      if (p < 0 || p >= numClasses || g < 0 || g >= numClasses) {
        throw new MetricInputException(
            "label out of range 0.." + (numClasses - 1) + " at voxel " + i + ": " + p + ", " + g);
      }
      predCount[p]++;
      refCount[g]++;
      if (p == g) {
        both[p]++;
      }
    }
    double[] dice = new double[numClasses];
    dice[0] = Double.NaN;
    for (int c = 1; c < numClasses; c++) {
      long denominator = predCount[c] + refCount[c];
      dice[c] = denominator == 0 ? 1.0 : 2.0 * both[c] / denominator;
    }
    return new ClassScores(dice);
  }
}
