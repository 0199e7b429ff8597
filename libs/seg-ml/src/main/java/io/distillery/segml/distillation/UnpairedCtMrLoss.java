package io.distillery.segml.distillation;

import ai.djl.ndarray.NDArray;
import io.distillery.segml.losses.CrossEntropyLoss;
import io.distillery.segml.losses.DiceLoss;
import io.distillery.segml.losses.PrototypeKlLoss;

/**
 * The objective of Dou, Liu, Heng, Glocker, "Unpaired Multi-modal Segmentation via Knowledge
 * Distillation", IEEE TMI 2020 (methods.md §3): {@code Dice_CT + wCE_CT + Dice_MR + wCE_MR + 0.5 ·
 * L_kd}, with the fraction-weighted CE and the prototype KL at T = 2. The 1e-4 weight decay belongs
 * to the optimiser. Inputs per modality: logits {@code N×C×D×H×W} (from the shared network with
 * that modality's normalisation set) and one-hot targets.
 */
public final class UnpairedCtMrLoss {
  private final DiceLoss dice = DiceLoss.create();
  private final CrossEntropyLoss weightedCe = CrossEntropyLoss.fractionWeighted();
  private final PrototypeKlLoss kd;
  private final float kdWeight;

  /** With an explicit prototype-KL temperature and weight. */
  public UnpairedCtMrLoss(float temperature, float kdWeight) {
    this.kd = new PrototypeKlLoss(temperature);
    this.kdWeight = kdWeight;
  }

  /** T = 2, weight 0.5. */
  public static UnpairedCtMrLoss create() {
    return new UnpairedCtMrLoss(PrototypeKlLoss.DEFAULT_TEMPERATURE, 0.5f);
  }

  /** Terms "diceCt", "wceCt", "diceMr", "wceMr", "kd". */
  public LossTerms compute(NDArray logitsCt, NDArray targetCt, NDArray logitsMr, NDArray targetMr) {
    return LossTerms.of("diceCt", dice.fromLogits(logitsCt, targetCt))
        .plus("wceCt", 1f, weightedCe.fromLogits(logitsCt, targetCt))
        .plus("diceMr", 1f, dice.fromLogits(logitsMr, targetMr))
        .plus("wceMr", 1f, weightedCe.fromLogits(logitsMr, targetMr))
        .plus("kd", kdWeight, kd.compute(logitsCt, targetCt, logitsMr, targetMr));
  }
}
