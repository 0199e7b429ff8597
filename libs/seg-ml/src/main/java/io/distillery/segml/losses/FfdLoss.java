package io.distillery.segml.losses;

import ai.djl.ndarray.NDArray;
import io.distillery.segml.ops.ScalarOps;

/**
 * Feature Filtering Distillation of MSKD ("MSKD: Structured knowledge distillation for efficient
 * medical image segmentation", Comput Biol Med 2023, doi 10.1016/j.compbiomed.2023.107284;
 * methods.md §2). The whole definition is [our choice] (no code or full text was available).
 *
 * <p>Spatial attention {@code a(F)(x) = mean_channels F(x)²}; for each class region {@code M_c} it
 * is restricted to the region and L2-normalised over the region's voxels, per sample; the loss is
 * {@code Σ_c ‖a_c(F_s) − a_c(F_t)‖²}, averaged over the batch. Channel counts of student and
 * teacher may differ. Inputs: features {@code N×Cs×d×h×w} and {@code N×Ct×d×h×w} (teacher
 * detached), masks {@code N×C×D×H×W} (0/1, nearest-downsampled here to the feature resolution). An
 * empty region contributes 0.
 */
public final class FfdLoss {
  private static final float EPS = 1e-12f;

  /** Loss for one feature level. */
  public NDArray compute(NDArray studentFeatures, NDArray teacherFeatures, NDArray masks) {
    Tensors.requireChannelsFirst("FfdLoss student features", studentFeatures);
    NDArray m = MaskDownsampling.toResolutionOf(masks, studentFeatures);
    NDArray as = regionAttention(studentFeatures, m);
    NDArray at = regionAttention(teacherFeatures.stopGradient(), m);
    if (!as.getShape().equals(at.getShape())) {
      throw new LossInputException(
          "student and teacher features differ spatially: "
              + studentFeatures.getShape()
              + " vs "
              + teacherFeatures.getShape());
    }
    int[] classAndSpace = new int[as.getShape().dimension() - 1];
    for (int i = 0; i < classAndSpace.length; i++) {
      classAndSpace[i] = i + 1;
    }
    return as.sub(at).square().sum(classAndSpace).mean();
  }

  /** {@code N×C×d×h×w}: the attention map restricted to each region, unit L2 norm per region. */
  static NDArray regionAttention(NDArray features, NDArray masks) {
    NDArray attention = features.square().mean(new int[] {1}, true);
    NDArray restricted = attention.mul(masks);
    int[] axes = Tensors.spatialAxes(restricted);
    NDArray norm = ScalarOps.add(restricted.square().sum(axes, true), EPS).sqrt();
    return restricted.div(norm);
  }
}
