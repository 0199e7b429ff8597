package io.distillery.segml.losses;

import ai.djl.ndarray.NDArray;
import io.distillery.segml.ops.ScalarOps;

/**
 * Soft Dice plus cross-entropy, weight 1:1 — the supervised loss of methods.md §0 (as in nnU-Net,
 * Isensee et al., Nature Methods 2021). Inputs {@code N×C×D×H×W}; target one-hot or soft.
 */
public final class DiceCeLoss {
  private final DiceLoss dice;
  private final CrossEntropyLoss crossEntropy;
  private final float diceWeight;
  private final float ceWeight;

  /** Dice and CE with explicit weights. */
  public DiceCeLoss(
      DiceLoss dice, CrossEntropyLoss crossEntropy, float diceWeight, float ceWeight) {
    this.dice = dice;
    this.crossEntropy = crossEntropy;
    this.diceWeight = diceWeight;
    this.ceWeight = ceWeight;
  }

  /** The methods.md default: {@link DiceLoss#create()} + unweighted CE, 1:1. */
  public static DiceCeLoss create() {
    return new DiceCeLoss(DiceLoss.create(), CrossEntropyLoss.unweighted(), 1f, 1f);
  }

  /** Loss from logits. */
  public NDArray fromLogits(NDArray logits, NDArray target) {
    return fromLogProbabilities(logits.logSoftmax(1), target);
  }

  /**
   * Loss from log-probabilities; the partial-label loss calls this with merged log-probabilities.
   */
  public NDArray fromLogProbabilities(NDArray logProbabilities, NDArray target) {
    NDArray d = dice.fromProbabilities(logProbabilities.exp(), target);
    NDArray ce = crossEntropy.fromLogProbabilities(logProbabilities, target);
    return ScalarOps.mul(d, diceWeight).add(ScalarOps.mul(ce, ceWeight));
  }
}
