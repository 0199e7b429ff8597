package io.distillery.segml.losses;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class DiceLossTest {
  private static final double S = 1e-5;
  private static NDManager manager;

  @BeforeAll
  static void open() {
    manager = NDManager.newBaseManager();
  }

  @AfterAll
  static void close() {
    manager.close();
  }

  /** Two samples, 2 classes, 4 voxels (N×C×D×H×W = 2×2×1×2×2). */
  private static NDArray probabilities() {
    double[] fg1 = {0.9, 0.2, 0.7, 0.1};
    double[] fg2 = {0.5, 0.5, 0.5, 0.5};
    double[] all = new double[16];
    for (int v = 0; v < 4; v++) {
      all[v] = 1 - fg1[v];
      all[4 + v] = fg1[v];
      all[8 + v] = 1 - fg2[v];
      all[12 + v] = fg2[v];
    }
    return manager.create(all, new Shape(2, 2, 1, 2, 2));
  }

  private static NDArray target() {
    double[] t = {0, 1, 0, 1, 1, 0, 1, 0, 1, 1, 1, 1, 0, 0, 0, 0};
    return manager.create(t, new Shape(2, 2, 1, 2, 2));
  }

  @Test
  void perSampleDiceExcludesBackgroundAndAveragesSamples() {
    double loss = DiceLoss.create().fromProbabilities(probabilities(), target()).getDouble();
    // sample 1: intersection 0.9+0.7, Σp 1.9, Σg 2; sample 2: intersection 0, Σp 2, Σg 0.
    double d1 = (2 * 1.6 + S) / (3.9 + S);
    double d2 = S / (2 + S);
    assertThat(loss).isCloseTo(((1 - d1) + (1 - d2)) / 2, within(1e-12));
  }

  @Test
  void batchDicePoolsSamples() {
    double loss =
        DiceLoss.builder()
            .optBatchDice(true)
            .build()
            .fromProbabilities(probabilities(), target())
            .getDouble();
    assertThat(loss).isCloseTo(1 - (3.2 + S) / (5.9 + S), within(1e-12));
  }

  @Test
  void includingBackgroundAveragesBothClasses() {
    double loss =
        DiceLoss.builder()
            .optIncludeBackground(true)
            .optBatchDice(true)
            .build()
            .fromProbabilities(probabilities(), target())
            .getDouble();
    // background: p0 = {0.1,0.8,0.3,0.9, 0.5×4}, g0 = {0,1,0,1, 1×4}: ∩ = 0.8+0.9+2, Σp 4.1, Σg 6.
    double background = 1 - (2 * 3.7 + S) / (10.1 + S);
    double foreground = 1 - (3.2 + S) / (5.9 + S);
    assertThat(loss).isCloseTo((background + foreground) / 2, within(1e-12));
  }

  @Test
  void fromLogitsAppliesSoftmax() {
    NDArray logits = probabilities().log();
    double a = DiceLoss.create().fromLogits(logits, target()).getDouble();
    double b = DiceLoss.create().fromProbabilities(probabilities(), target()).getDouble();
    assertThat(a).isCloseTo(b, within(1e-12));
  }

  @Test
  void rejectsMismatchedShapes() {
    NDArray target = manager.zeros(new Shape(2, 3, 1, 2, 2));
    assertThatThrownBy(() -> DiceLoss.create().fromProbabilities(probabilities(), target))
        .isInstanceOf(LossInputException.class)
        .hasMessageContaining("shapes differ");
  }

  @Test
  void gradientMatchesFiniteDifferences() {
    double[] logits = {0.3, -1.2, 0.8, 0.1, 2.0, -0.5, 0.4, 1.1, -0.7, 0.9, 0.2, -0.3};
    NDArray target =
        OneHot.encode(manager.create(new int[] {0, 1, 2, 1}, new Shape(1, 1, 2, 2)), 3)
            .toType(ai.djl.ndarray.types.DataType.FLOAT64, false);
    GradientCheck.assertGradientMatches(
        manager,
        logits,
        new Shape(1, 3, 1, 2, 2),
        z -> DiceLoss.create().fromLogits(z, target),
        1e-7);
  }
}
