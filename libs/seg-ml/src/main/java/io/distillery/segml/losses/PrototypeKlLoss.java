package io.distillery.segml.losses;

import ai.djl.ndarray.NDArray;
import io.distillery.segml.ops.ScalarOps;

/**
 * The cross-modality knowledge-distillation term of Dou, Liu, Heng, Glocker, "Unpaired Multi-modal
 * Segmentation via Knowledge Distillation", IEEE TMI 2020 (arXiv 2001.03111; methods.md §3).
 *
 * <p>For each class c and modality m the prototype prediction {@code ℓ̄_c^m = Σ_{b,x} z^m·y_c^m /
 * (Σ y_c^m + 1e-6)} (mean logit vector over the class's ground-truth voxels) is softened, {@code
 * p_c^m = σ(ℓ̄_c^m / T)} with T = 2, and {@code L = (1/C) Σ_c ½[KL(p_c^CT ‖ p_c^MR) + KL(p_c^MR ‖
 * p_c^CT)]}; gradients flow to both modalities. Inputs per modality: logits {@code N×C×D×H×W} and a
 * one-hot target of the same shape (batch sizes and spatial sizes may differ between modalities).
 */
public final class PrototypeKlLoss {
  /** T of the paper. */
  public static final float DEFAULT_TEMPERATURE = 2f;

  private static final float COUNT_EPS = 1e-6f;
  private final float temperature;

  /** At temperature T &gt; 0. */
  public PrototypeKlLoss(float temperature) {
    if (!(temperature > 0f)) {
      throw new LossInputException("temperature must be > 0, got " + temperature);
    }
    this.temperature = temperature;
  }

  /** T = 2. */
  public static PrototypeKlLoss create() {
    return new PrototypeKlLoss(DEFAULT_TEMPERATURE);
  }

  /** The symmetric prototype KL between the two modalities. */
  public NDArray compute(NDArray logitsCt, NDArray targetCt, NDArray logitsMr, NDArray targetMr) {
    NDArray logPct = ScalarOps.div(prototypes(logitsCt, targetCt), temperature).logSoftmax(1);
    NDArray logPmr = ScalarOps.div(prototypes(logitsMr, targetMr), temperature).logSoftmax(1);
    if (!logPct.getShape().equals(logPmr.getShape())) {
      throw new LossInputException(
          "CT and MR have different class counts: "
              + logitsCt.getShape()
              + ", "
              + logitsMr.getShape());
    }
    NDArray diff = logPct.sub(logPmr);
    NDArray klCtMr = logPct.exp().mul(diff).sum(new int[] {1});
    NDArray klMrCt = logPmr.exp().mul(diff.neg()).sum(new int[] {1});
    return ScalarOps.mul(klCtMr.add(klMrCt), 0.5f).mean();
  }

  /** C×C: row c is the mean logit vector over the voxels of class c. */
  static NDArray prototypes(NDArray logits, NDArray target) {
    Tensors.requireChannelsFirst("PrototypeKlLoss logits", logits);
    Tensors.requireSameShape("PrototypeKlLoss logits vs target", logits, target);
    NDArray y = Tensors.flattenSpatial(target);
    NDArray z = Tensors.flattenSpatial(logits);
    NDArray sums = y.matMul(z.transpose(0, 2, 1)).sum(new int[] {0});
    NDArray counts = ScalarOps.add(y.sum(new int[] {0, 2}), COUNT_EPS).reshape(-1, 1);
    return sums.div(counts);
  }
}
