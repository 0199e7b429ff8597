package io.distillery.segml.losses;

import ai.djl.ndarray.NDArray;
import io.distillery.segml.ops.ScalarOps;

/**
 * Region Graph Distillation of MSKD ("MSKD: Structured knowledge distillation for efficient medical
 * image segmentation", Comput Biol Med 2023; methods.md §2). The whole definition is [our choice].
 *
 * <p>Nodes are class prototypes {@code r_c = Σ_{n,x} M_c F / Σ_{n,x} M_c} pooled over the batch;
 * edges the cosine similarity {@code A_ij = cos(r_i, r_j)} (C×C, background included); the loss is
 * the mean of {@code (A_s − A_t)²} over the entries whose two classes are both present in the batch
 * (diagonal included). Student and teacher channel counts may differ. Inputs: features {@code
 * N×Cs×d×h×w}, {@code N×Ct×d×h×w} (teacher detached) and masks {@code N×C×D×H×W} (0/1,
 * nearest-downsampled here to the feature resolution).
 */
public final class RgdLoss {
  private static final float EPS = 1e-12f;

  /** Loss for one feature level. */
  public NDArray compute(NDArray studentFeatures, NDArray teacherFeatures, NDArray masks) {
    Tensors.requireChannelsFirst("RgdLoss student features", studentFeatures);
    NDArray m = MaskDownsampling.toResolutionOf(masks, studentFeatures);
    NDArray flatMasks = Tensors.flattenSpatial(m);
    NDArray counts = flatMasks.sum(new int[] {0, 2});
    NDArray present = ScalarOps.gt(counts, 0f).toType(studentFeatures.getDataType(), false);
    NDArray pairs = present.reshape(-1, 1).mul(present.reshape(1, -1));
    NDArray as = affinity(studentFeatures, flatMasks, counts);
    NDArray at = affinity(teacherFeatures.stopGradient(), flatMasks, counts);
    return as.sub(at).square().mul(pairs).sum().div(ScalarOps.maximum(pairs.sum(), 1f));
  }

  /** Cosine-similarity matrix C×C of the class prototypes. */
  static NDArray affinity(NDArray features, NDArray flatMasks, NDArray counts) {
    NDArray flatFeatures = Tensors.flattenSpatial(features);
    if (flatFeatures.getShape().get(2) != flatMasks.getShape().get(2)) {
      throw new LossInputException(
          "features " + features.getShape() + " and masks differ in spatial size");
    }
    NDArray sums = flatMasks.matMul(flatFeatures.transpose(0, 2, 1)).sum(new int[] {0});
    NDArray prototypes = sums.div(ScalarOps.maximum(counts, EPS).reshape(-1, 1));
    NDArray norms = ScalarOps.add(prototypes.square().sum(new int[] {1}, true), EPS).sqrt();
    NDArray unit = prototypes.div(norms);
    return unit.matMul(unit.transpose());
  }
}
