package io.distillery.segml.losses;

import ai.djl.ndarray.NDArray;
import io.distillery.segml.ops.ScalarOps;

/**
 * Multi-class focal loss (Lin et al., "Focal Loss for Dense Object Detection", ICCV 2017;
 * methods.md §0 and §4): {@code −Σ_c g_c (1 − p_c)^γ log p_c}, averaged over voxels, γ = 2 by
 * default, no α-balancing [our choice]. Inputs {@code N×C×D×H×W} logits and a one-hot/soft target.
 */
public final class FocalLoss {
  /** The γ of methods.md. */
  public static final float DEFAULT_GAMMA = 2f;

  private final float gamma;

  /** Focal loss with the given focusing parameter γ ≥ 0. */
  public FocalLoss(float gamma) {
    if (!(gamma >= 0f)) {
      throw new LossInputException("gamma must be >= 0, got " + gamma);
    }
    this.gamma = gamma;
  }

  /** γ = 2. */
  public static FocalLoss create() {
    return new FocalLoss(DEFAULT_GAMMA);
  }

  /** Loss from logits. */
  public NDArray fromLogits(NDArray logits, NDArray target) {
    Tensors.requireChannelsFirst("FocalLoss logits", logits);
    Tensors.requireSameShape("FocalLoss logits vs target", logits, target);
    NDArray logP = logits.logSoftmax(1);
    NDArray modulation = ScalarOps.pow(ScalarOps.rsub(1f, logP.exp()), gamma);
    return target.mul(modulation).mul(logP).sum(new int[] {1}).mean().neg();
  }
}
