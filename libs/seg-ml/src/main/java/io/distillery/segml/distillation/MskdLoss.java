package io.distillery.segml.distillation;

import ai.djl.ndarray.NDArray;
import io.distillery.segml.losses.DiceCeLoss;
import io.distillery.segml.losses.FfdLoss;
import io.distillery.segml.losses.KdLoss;
import io.distillery.segml.losses.OneHot;
import io.distillery.segml.losses.RgdLoss;
import io.distillery.segml.ops.ScalarOps;

/**
 * The MSKD objective ("MSKD: Structured knowledge distillation for efficient medical image
 * segmentation", Comput Biol Med 2023; methods.md §2): {@code L = L_sup + λ_kd·KD(T=4) +
 * λ_ffd·L_FFD + λ_rgd·L_RGD} with defaults 0.1 / 0.9 / 0.9 (EMKD's weights, [our choice]).
 *
 * <p>Inputs: student and teacher logits {@code N×C×D×H×W}, one feature level of each ({@code
 * N×Cs×d×h×w}, {@code N×Ct×d×h×w}, same spatial size, channels may differ), and the one-hot ground
 * truth {@code N×C×D×H×W} or {@code null}. Region masks come from the ground truth when given, else
 * from the teacher's argmax; L_sup (Dice + CE) is only added when a ground truth is given.
 */
public final class MskdLoss {
  private final DiceCeLoss supervised = DiceCeLoss.create();
  private final KdLoss kd;
  private final FfdLoss ffd = new FfdLoss();
  private final RgdLoss rgd = new RgdLoss();
  private final float kdWeight;
  private final float ffdWeight;
  private final float rgdWeight;

  /** With explicit KD temperature and weights. */
  public MskdLoss(float temperature, float kdWeight, float ffdWeight, float rgdWeight) {
    this.kd = new KdLoss(temperature);
    this.kdWeight = kdWeight;
    this.ffdWeight = ffdWeight;
    this.rgdWeight = rgdWeight;
  }

  /** T = 4, λ_kd = 0.1, λ_ffd = 0.9, λ_rgd = 0.9. */
  public static MskdLoss create() {
    return new MskdLoss(4f, 0.1f, 0.9f, 0.9f);
  }

  /** Terms "supervised" (when a target is given), "kd", "ffd", "rgd". */
  public LossTerms compute(
      NDArray studentLogits,
      NDArray teacherLogits,
      NDArray studentFeatures,
      NDArray teacherFeatures,
      NDArray targetOrNull) {
    NDArray masks = targetOrNull != null ? targetOrNull : OneHot.ofArgmax(teacherLogits);
    LossTerms structured =
        LossTerms.of("kd", ScalarOps.mul(kd.fromLogits(studentLogits, teacherLogits), kdWeight))
            .plus("ffd", ffdWeight, ffd.compute(studentFeatures, teacherFeatures, masks))
            .plus("rgd", rgdWeight, rgd.compute(studentFeatures, teacherFeatures, masks));
    if (targetOrNull == null) {
      return structured;
    }
    return LossTerms.of("supervised", supervised.fromLogits(studentLogits, targetOrNull))
        .plus(structured);
  }
}
