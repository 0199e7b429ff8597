package io.distillery.segml.distillation;

import ai.djl.ndarray.NDArray;
import io.distillery.segml.losses.DiceLoss;
import io.distillery.segml.losses.FocalLoss;
import io.distillery.segml.losses.HardDiceConsistencyLoss;
import io.distillery.segml.losses.KdLoss;
import io.distillery.segml.ops.ScalarOps;

/**
 * Knowledge distillation from cross-teaching teachers (Choi, FLARE 2022, arXiv 2211.05942; official
 * code jwc-rad/MISLight; methods.md §4). Defaults λ_c = 0.1, λ_d = 10, τ = 1; {@code r(t)} is the
 * {@link RampUp}.
 *
 * <ul>
 *   <li>Labelled batch: Dice + focal for S, T1 and T2, plus {@code λ_d·r(t)·KL(mean(σ(z_T1/τ),
 *       σ(z_T2/τ)) ‖ σ(z_S/τ))} (teachers detached).
 *   <li>Unlabelled batch: {@code λ_c·r(t)·[HardDice(z_T1, argmax z_T2) + HardDice(z_T2, argmax
 *       z_T1) + HardDice(z_S, argmax mean(σ_T1, σ_T2))]} plus the KD term weighted {@code
 *       λ_d·r(t)²}.
 *   <li>Offline mode (teachers' averaged soft labels stored by the teacher service): {@link
 *       #unlabelledFromSoftLabels} applies the student's terms of the unlabelled batch.
 * </ul>
 *
 * All logits {@code N×C×D×H×W}; targets one-hot.
 */
public final class CrossTeachingLoss {
  private final DiceLoss dice = DiceLoss.create();
  private final FocalLoss focal = FocalLoss.create();
  private final HardDiceConsistencyLoss hardDice = HardDiceConsistencyLoss.create();
  private final KdLoss kd;
  private final float consistencyWeight;
  private final float distillationWeight;
  private final RampUp rampUp;

  /** With explicit λ_c, λ_d, τ and ramp-up. */
  public CrossTeachingLoss(
      float consistencyWeight, float distillationWeight, float temperature, RampUp rampUp) {
    this.consistencyWeight = consistencyWeight;
    this.distillationWeight = distillationWeight;
    this.kd = new KdLoss(temperature);
    this.rampUp = rampUp;
  }

  /** λ_c = 0.1, λ_d = 10, τ = 1, ramp-up reaching 1 at epoch {@code rampUpEpochs}. */
  public static CrossTeachingLoss create(double rampUpEpochs) {
    return new CrossTeachingLoss(0.1f, 10f, 1f, new RampUp(rampUpEpochs));
  }

  /** Terms "supS", "supT1", "supT2", "kd". */
  public LossTerms labelled(
      NDArray student, NDArray teacher1, NDArray teacher2, NDArray target, double epoch) {
    float r = rampUp.weight(epoch);
    return LossTerms.of("supS", supervised(student, target))
        .plus("supT1", 1f, supervised(teacher1, target))
        .plus("supT2", 1f, supervised(teacher2, target))
        .plus("kd", distillationWeight * r, distill(student, teacher1, teacher2));
  }

  /** Terms "crossT1", "crossT2", "crossS", "kd". */
  public LossTerms unlabelled(NDArray student, NDArray teacher1, NDArray teacher2, double epoch) {
    float r = rampUp.weight(epoch);
    float lc = consistencyWeight * r;
    NDArray meanTeacher = ScalarOps.mul(teacher1.softmax(1).add(teacher2.softmax(1)), 0.5f);
    return LossTerms.of("crossT1", ScalarOps.mul(hardDice.compute(teacher1, teacher2), lc))
        .plus("crossT2", lc, hardDice.compute(teacher2, teacher1))
        .plus("crossS", lc, hardDice.compute(student, meanTeacher))
        .plus("kd", distillationWeight * r * r, distill(student, teacher1, teacher2));
  }

  /**
   * Offline variant of the student's unlabelled terms, from stored averaged teacher probabilities
   * {@code N×C×...} at τ: terms "crossS", "kd".
   */
  public LossTerms unlabelledFromSoftLabels(NDArray student, NDArray softLabels, double epoch) {
    float r = rampUp.weight(epoch);
    return LossTerms.of(
            "crossS", ScalarOps.mul(hardDice.compute(student, softLabels), consistencyWeight * r))
        .plus("kd", distillationWeight * r * r, kd.fromTeacherProbabilities(student, softLabels));
  }

  private NDArray supervised(NDArray logits, NDArray target) {
    return dice.fromLogits(logits, target).add(focal.fromLogits(logits, target));
  }

  private NDArray distill(NDArray student, NDArray teacher1, NDArray teacher2) {
    float t = kd.temperature();
    NDArray p1 = ScalarOps.div(teacher1.stopGradient(), t).softmax(1);
    NDArray p2 = ScalarOps.div(teacher2.stopGradient(), t).softmax(1);
    return kd.fromTeacherProbabilities(student, ScalarOps.mul(p1.add(p2), 0.5f));
  }
}
