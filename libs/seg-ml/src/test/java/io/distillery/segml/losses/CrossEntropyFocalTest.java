package io.distillery.segml.losses;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Cross-entropy (plain and fraction-weighted), Dice+CE and focal loss on 1×2×1×1×4 tensors. */
class CrossEntropyFocalTest {
  private static NDManager manager;
  // Logits of the two classes at four voxels; labels 0, 1, 0, 0.
  private static final double[] Z0 = {1.0, 0.0, 2.0, -1.0};
  private static final double[] Z1 = {0.0, 1.5, 1.0, 0.5};
  private static final int[] LABELS = {0, 1, 0, 0};

  @BeforeAll
  static void open() {
    manager = NDManager.newBaseManager();
  }

  @AfterAll
  static void close() {
    manager.close();
  }

  private static NDArray logits() {
    double[] all = new double[8];
    System.arraycopy(Z0, 0, all, 0, 4);
    System.arraycopy(Z1, 0, all, 4, 4);
    return manager.create(all, new Shape(1, 2, 1, 1, 4));
  }

  private static NDArray target() {
    return OneHot.encode(manager.create(LABELS, new Shape(1, 1, 1, 4)), 2, DataType.FLOAT64);
  }

  /** Probability of the true class at voxel v. */
  private static double pTrue(int v) {
    double p1 = 1 / (1 + Math.exp(Z0[v] - Z1[v]));
    return LABELS[v] == 1 ? p1 : 1 - p1;
  }

  @Test
  void oneHotPutsClassesOnAxisOne() {
    NDArray hot = target();
    assertThat(hot.getShape()).isEqualTo(new Shape(1, 2, 1, 1, 4));
    assertThat(hot.toDoubleArray()).containsExactly(1, 0, 1, 1, 0, 1, 0, 0);
  }

  @Test
  void crossEntropyIsMeanNegativeLogLikelihood() {
    double expected = 0;
    for (int v = 0; v < 4; v++) {
      expected -= Math.log(pTrue(v)) / 4;
    }
    double loss = CrossEntropyLoss.unweighted().fromLogits(logits(), target()).getDouble();
    assertThat(loss).isCloseTo(expected, within(1e-12));
  }

  @Test
  void fractionWeightedCrossEntropyUsesOneMinusClassFraction() {
    // class 0 covers 3 of 4 voxels: weight 0.25; class 1: weight 0.75.
    double expected = 0;
    for (int v = 0; v < 4; v++) {
      double w = LABELS[v] == 0 ? 0.25 : 0.75;
      expected -= w * Math.log(pTrue(v)) / 4;
    }
    double loss = CrossEntropyLoss.fractionWeighted().fromLogits(logits(), target()).getDouble();
    assertThat(loss).isCloseTo(expected, within(1e-12));
    assertThat(CrossEntropyLoss.classWeights(target()).toDoubleArray()).containsExactly(0.25, 0.75);
  }

  @Test
  void diceCeIsTheSumOfBoth() {
    double ce = 0;
    double inter = 0;
    double sumP = 0;
    for (int v = 0; v < 4; v++) {
      ce -= Math.log(pTrue(v)) / 4;
      double p1 = 1 / (1 + Math.exp(Z0[v] - Z1[v]));
      inter += p1 * LABELS[v];
      sumP += p1;
    }
    double dice = 1 - (2 * inter + 1e-5) / (sumP + 1 + 1e-5);
    double loss = DiceCeLoss.create().fromLogits(logits(), target()).getDouble();
    assertThat(loss).isCloseTo(dice + ce, within(1e-12));
  }

  @Test
  void focalLossDownWeightsEasyVoxels() {
    double expected = 0;
    for (int v = 0; v < 4; v++) {
      double p = pTrue(v);
      expected -= (1 - p) * (1 - p) * Math.log(p) / 4;
    }
    double loss = FocalLoss.create().fromLogits(logits(), target()).getDouble();
    assertThat(loss).isCloseTo(expected, within(1e-12));
    double gammaZero = new FocalLoss(0f).fromLogits(logits(), target()).getDouble();
    double ce = CrossEntropyLoss.unweighted().fromLogits(logits(), target()).getDouble();
    assertThat(gammaZero).isCloseTo(ce, within(1e-12));
  }
}
