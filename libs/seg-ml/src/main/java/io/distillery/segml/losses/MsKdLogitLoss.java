package io.distillery.segml.losses;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Activation;
import io.distillery.segml.ops.ScalarOps;

/**
 * Logit-wise supervision of MS-KD (Feng et al., "MS-KD: Multi-Organ Segmentation with Multiple
 * Binary-Labeled Datasets", arXiv 2108.02559; methods.md §1). For each binary teacher k, over the
 * region {@code O_k ∪ B} of {@link MsKdRegions}: {@code KL((1−p_k, p_k)_τ ‖ (1−q_k, q_k)_τ)} where
 * {@code q_k} is the student's class-k probability (softmax over all K+1 classes at temperature τ).
 *
 * <p>Inputs: student logits {@code N×(K+1)×D×H×W} (student class k, k = 1..K, is the organ of
 * teacher k) and teacher foreground probabilities {@code N×K×D×H×W} (channel k−1 is teacher k),
 * detached. The teacher is softened as {@code sigmoid(logit(p_k)/τ)}. Exact form [our choice]: the
 * KL is averaged over the region's voxels, then over the K teachers, and multiplied by τ² as in
 * Hinton's KD (a no-op at the default τ = 1).
 */
public final class MsKdLogitLoss {
  private static final float CLAMP = 1e-7f;
  private final float temperature;

  /** Logit-wise MS-KD at temperature τ &gt; 0. */
  public MsKdLogitLoss(float temperature) {
    if (!(temperature > 0f)) {
      throw new LossInputException("temperature must be > 0, got " + temperature);
    }
    this.temperature = temperature;
  }

  /** τ = 1 (methods.md default). */
  public static MsKdLogitLoss create() {
    return new MsKdLogitLoss(1f);
  }

  /** Loss with regions computed from the teacher probabilities. */
  public NDArray compute(NDArray studentLogits, NDArray teacherProbabilities) {
    return compute(studentLogits, teacherProbabilities, MsKdRegions.of(teacherProbabilities));
  }

  /** Loss over precomputed regions {@code N×K×...} (0/1). */
  public NDArray compute(NDArray studentLogits, NDArray teacherProbabilities, NDArray regions) {
    Tensors.requireChannelsFirst("MsKdLogitLoss student logits", studentLogits);
    Tensors.requireSameShape("MsKdLogitLoss teacher vs regions", teacherProbabilities, regions);
    long teachers = teacherProbabilities.getShape().get(1);
    if (studentLogits.getShape().get(1) != teachers + 1) {
      throw new LossInputException(
          "student must have K+1 = "
              + (teachers + 1)
              + " channels for "
              + teachers
              + " teachers, got "
              + studentLogits.getShape());
    }
    NDArray p = softenedTeacher(teacherProbabilities.stopGradient());
    NDArray logP = p.log();
    NDArray logNotP = ScalarOps.rsub(1f, p).log();

    NDArray studentLogP = ScalarOps.div(studentLogits, temperature).logSoftmax(1);
    NDArray logQ = studentLogP.get(":, 1:");
    NDArray logNotQ = logOfComplements(studentLogP);

    NDArray kl = p.mul(logP.sub(logQ)).add(ScalarOps.rsub(1f, p).mul(logNotP.sub(logNotQ)));
    int[] axes = Tensors.batchAndSpatialAxes(kl);
    NDArray perTeacher = kl.mul(regions).sum(axes).div(ScalarOps.maximum(regions.sum(axes), 1f));
    return ScalarOps.mul(perTeacher.mean(), temperature * temperature);
  }

  /**
   * {@code log(1 − q_k)} for k = 1..K as the log-sum-exp of the other channels' log-probabilities:
   * exact and with bounded gradients even when {@code q_k} rounds to 1, where {@code log(1 − q_k)}
   * computed from {@code q_k} would lose every digit.
   */
  private static NDArray logOfComplements(NDArray logProbabilities) {
    long classes = logProbabilities.getShape().get(1);
    NDList perClass = new NDList();
    for (int k = 1; k < classes; k++) {
      NDList others = new NDList();
      for (int c = 0; c < classes; c++) {
        if (c != k) {
          others.add(logProbabilities.get(":, " + c + ":" + (c + 1)));
        }
      }
      perClass.add(Tensors.logSumExpChannels(NDArrays.concat(others, 1)));
    }
    return NDArrays.concat(perClass, 1);
  }

  private NDArray softenedTeacher(NDArray p) {
    NDArray clamped = p.clip(CLAMP, 1f - CLAMP);
    if (temperature == 1f) {
      return clamped;
    }
    NDArray logit = clamped.log().sub(ScalarOps.rsub(1f, clamped).log());
    return Activation.sigmoid(ScalarOps.div(logit, temperature));
  }
}
