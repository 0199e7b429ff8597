package io.distillery.segml.losses;

import ai.djl.ndarray.NDArray;
import io.distillery.segml.ops.ScalarOps;

/**
 * Voxel-wise cross-entropy {@code −Σ_c w_c g_c log p_c}, averaged over all voxels of the batch.
 *
 * <p>Inputs {@code N×C×D×H×W}: logits (or log-probabilities) and a one-hot/soft target. {@link
 * #unweighted()} has {@code w_c = 1}; {@link #fractionWeighted()} is the weighted CE of Dou et al.,
 * "Unpaired multi-modal segmentation via knowledge distillation", IEEE TMI 2020 (methods.md §3):
 * {@code w_c = 1 − (voxels of class c / all voxels)}, counted on the target of each call. The
 * weighted sum is divided by the voxel count, not by {@code Σ w} [our choice, as in the TF code of
 * the paper].
 */
public final class CrossEntropyLoss {
  private final boolean fractionWeighted;

  private CrossEntropyLoss(boolean fractionWeighted) {
    this.fractionWeighted = fractionWeighted;
  }

  /** Plain cross-entropy. */
  public static CrossEntropyLoss unweighted() {
    return new CrossEntropyLoss(false);
  }

  /** Cross-entropy with class weight {@code 1 − class fraction} of the target (methods.md §3). */
  public static CrossEntropyLoss fractionWeighted() {
    return new CrossEntropyLoss(true);
  }

  /** Loss from logits {@code N×C×...}. */
  public NDArray fromLogits(NDArray logits, NDArray target) {
    return fromLogProbabilities(logits.logSoftmax(1), target);
  }

  /** Loss from log-probabilities {@code N×C×...}. */
  public NDArray fromLogProbabilities(NDArray logProbabilities, NDArray target) {
    Tensors.requireChannelsFirst("CrossEntropyLoss input", logProbabilities);
    Tensors.requireSameShape("CrossEntropyLoss input vs target", logProbabilities, target);
    NDArray weighted = target.mul(logProbabilities);
    if (fractionWeighted) {
      weighted = weighted.mul(classWeights(target));
    }
    return weighted.sum(new int[] {1}).mean().neg();
  }

  /**
   * The class weights {@code 1 − fraction} of a target {@code N×C×...}, shaped {@code 1×C×1×…} for
   * broadcasting; detached.
   */
  public static NDArray classWeights(NDArray target) {
    int[] axes = Tensors.batchAndSpatialAxes(target);
    NDArray perClass = target.sum(axes, true);
    NDArray total = ScalarOps.maximum(perClass.sum(), 1e-12f);
    return ScalarOps.rsub(1f, perClass.div(total)).stopGradient();
  }
}
