package io.distillery.segml.losses;

import ai.djl.ndarray.NDArray;
import io.distillery.segml.ops.ScalarOps;

/**
 * Vanilla knowledge distillation (Hinton, Vinyals, Dean, "Distilling the Knowledge in a Neural
 * Network", 2015; methods.md §0): {@code T² · KL(σ(z_t/T) ‖ σ(z_s/T))}, KL summed over channels and
 * averaged over all voxels of the batch; the teacher side is detached.
 *
 * <p>Inputs {@code N×C×D×H×W}: student logits and teacher logits, or teacher probabilities that are
 * already at temperature T (stored soft labels, the averaged teachers of cross teaching).
 */
public final class KdLoss {
  private static final float PROBABILITY_FLOOR = 1e-12f;
  private final float temperature;

  /** KD at temperature {@code T > 0}. */
  public KdLoss(float temperature) {
    if (!(temperature > 0f)) {
      throw new LossInputException("temperature must be > 0, got " + temperature);
    }
    this.temperature = temperature;
  }

  /** The temperature T. */
  public float temperature() {
    return temperature;
  }

  /** Loss from student and teacher logits. */
  public NDArray fromLogits(NDArray studentLogits, NDArray teacherLogits) {
    Tensors.requireSameShape("KdLoss student vs teacher", studentLogits, teacherLogits);
    NDArray teacherLogP = ScalarOps.div(teacherLogits.stopGradient(), temperature).logSoftmax(1);
    return divergence(studentLogits, teacherLogP.exp(), teacherLogP);
  }

  /** Loss from student logits and teacher probabilities already softened at T. */
  public NDArray fromTeacherProbabilities(NDArray studentLogits, NDArray teacherProbabilities) {
    Tensors.requireSameShape("KdLoss student vs teacher", studentLogits, teacherProbabilities);
    NDArray p = teacherProbabilities.stopGradient();
    // The floor only guards 0·log 0; where p is 0 the product is 0 either way.
    return divergence(studentLogits, p, ScalarOps.maximum(p, PROBABILITY_FLOOR).log());
  }

  private NDArray divergence(NDArray studentLogits, NDArray teacherP, NDArray teacherLogP) {
    Tensors.requireChannelsFirst("KdLoss student", studentLogits);
    NDArray studentLogP = ScalarOps.div(studentLogits, temperature).logSoftmax(1);
    NDArray kl = teacherP.mul(teacherLogP.sub(studentLogP)).sum(new int[] {1});
    return ScalarOps.mul(kl.mean(), temperature * temperature);
  }
}
