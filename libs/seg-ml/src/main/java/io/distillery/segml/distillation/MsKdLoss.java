package io.distillery.segml.distillation;

import ai.djl.ndarray.NDArray;
import io.distillery.segml.losses.MsKdFeatureLoss;
import io.distillery.segml.losses.MsKdLogitLoss;
import io.distillery.segml.losses.MsKdRegions;
import io.distillery.segml.losses.PartialLabelLoss;
import java.util.List;

/**
 * The MS-KD objective (Feng et al., arXiv 2108.02559; methods.md §1): {@code L = L_logit + λ_f
 * L_feat} plus the partial-label loss on cases that carry real labels. Defaults τ = 1 and λ_f = 0.1
 * [our choice].
 *
 * <p>Inputs: student logits {@code N×(K+1)×D×H×W}, teacher foreground probabilities {@code
 * N×K×D×H×W} (the regions {@code O_k ∪ B} are derived from them); for the feature term the student
 * feature map already passed through each teacher's {@link
 * io.distillery.segml.losses.FeatureAdaptor} and the teachers' feature maps {@code N×C_k×d×h×w}.
 */
public final class MsKdLoss {
  private final MsKdLogitLoss logit;
  private final MsKdFeatureLoss feature = new MsKdFeatureLoss();
  private final float featureWeight;

  /** With temperature τ and feature weight λ_f. */
  public MsKdLoss(float temperature, float featureWeight) {
    this.logit = new MsKdLogitLoss(temperature);
    this.featureWeight = featureWeight;
  }

  /** τ = 1, λ_f = 0.1. */
  public static MsKdLoss create() {
    return new MsKdLoss(1f, 0.1f);
  }

  /** The logit-wise term only ("logit"). */
  public LossTerms logitOnly(NDArray studentLogits, NDArray teacherProbabilities) {
    return LossTerms.of("logit", logit.compute(studentLogits, teacherProbabilities));
  }

  /** Logit-wise and feature-wise terms ("logit", "feature"). */
  public LossTerms compute(
      NDArray studentLogits,
      NDArray teacherProbabilities,
      List<NDArray> adaptedStudentFeatures,
      List<NDArray> teacherFeatures) {
    NDArray regions = MsKdRegions.of(teacherProbabilities);
    return LossTerms.of("logit", logit.compute(studentLogits, teacherProbabilities, regions))
        .plus(
            "feature",
            featureWeight,
            feature.compute(adaptedStudentFeatures, teacherFeatures, regions));
  }

  /**
   * Adds the partial-label term ("partial") of a labelled case to {@code terms}; {@code target} is
   * in the case's label space (see {@link PartialLabelLoss}).
   */
  public static LossTerms withPartialLabels(
      LossTerms terms, NDArray studentLogits, PartialLabelLoss partial, NDArray target) {
    return terms.plus("partial", 1f, partial.fromLogits(studentLogits, target));
  }
}
