package io.distillery.segml.losses;

import ai.djl.ndarray.NDArray;

/**
 * The cross-teaching consistency of Choi, "Knowledge distillation from cross teaching teachers for
 * efficient semi-supervised abdominal organ segmentation in CT", FLARE 2022 (arXiv 2211.05942;
 * methods.md §4), after Luo et al.'s cross teaching (MIDL 2022): soft Dice of one network's
 * prediction against the hard pseudo label {@code argmax} of another, the pseudo label detached.
 * Inputs {@code N×C×D×H×W}.
 */
public final class HardDiceConsistencyLoss {
  private final DiceLoss dice;

  /** With the given Dice (methods.md default: {@link DiceLoss#create()}). */
  public HardDiceConsistencyLoss(DiceLoss dice) {
    this.dice = dice;
  }

  /** With {@link DiceLoss#create()}. */
  public static HardDiceConsistencyLoss create() {
    return new HardDiceConsistencyLoss(DiceLoss.create());
  }

  /**
   * {@code HardDice(z_a, argmax s_b)}: {@code s_b} may be logits or probabilities (argmax is the
   * same).
   */
  public NDArray compute(NDArray logits, NDArray pseudoLabelScores) {
    Tensors.requireSameShape("HardDiceConsistencyLoss", logits, pseudoLabelScores);
    return dice.fromLogits(logits, OneHot.ofArgmax(pseudoLabelScores));
  }
}
