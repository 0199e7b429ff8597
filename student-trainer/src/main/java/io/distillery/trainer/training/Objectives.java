package io.distillery.trainer.training;

import ai.djl.ndarray.NDManager;
import io.distillery.segml.distillation.CrossTeachingLoss;
import io.distillery.segml.distillation.MskdLoss;
import io.distillery.segml.distillation.UnpairedCtMrLoss;
import io.distillery.segml.networks.SegmentationNetwork;
import io.distillery.trainer.Method;
import java.util.function.ToDoubleFunction;

/** Factories of the per-method {@link Objective}s (networks initialised by the caller). */
public final class Objectives {
  private Objectives() {}

  /**
   * Teacher training: Dice + CE (partial-label loss for partially labelled datasets), with deep
   * supervision when the network has auxiliary heads.
   *
   * @param batchDice pool the Dice of fully labelled batches over their samples
   * @param classNames job classes, background first (names of the logged diagnostics)
   */
  public static Objective supervised(
      SegmentationNetwork network,
      int batchSize,
      int groups,
      boolean batchDice,
      java.util.List<String> classNames) {
    return new SupervisedObjective(network, batchSize, groups, batchDice, classNames);
  }

  /**
   * kd, ms-kd or cross-teaching-offline from stored soft labels; the partial-label term uses deep
   * supervision when the network has auxiliary heads.
   */
  public static Objective storedSoftLabels(
      SegmentationNetwork network,
      Method method,
      int batchSize,
      int groups,
      ToDoubleFunction<String> hyper,
      java.util.List<String> classNames) {
    return new StoredSoftLabelObjective(
        network, method, batchSize, groups, hyper, null, new int[0], classNames);
  }

  /**
   * ms-kd with MS-KD's feature-wise term: one trainable adaptor per teacher, initialised in {@code
   * manager}, to {@code teacherFeatureChannels[k]} channels (empty: logit-wise term only).
   */
  public static Objective msKd(
      SegmentationNetwork network,
      int batchSize,
      int groups,
      ToDoubleFunction<String> hyper,
      NDManager manager,
      int[] teacherFeatureChannels,
      java.util.List<String> classNames) {
    return new StoredSoftLabelObjective(
        network,
        Method.MULTI_BINARY_TEACHERS,
        batchSize,
        groups,
        hyper,
        manager,
        teacherFeatureChannels,
        classNames);
  }

  /** MSKD with an online (frozen) teacher. */
  public static Objective mskd(
      SegmentationNetwork student,
      SegmentationNetwork teacher,
      MskdLoss loss,
      int batchSize,
      int groups) {
    return new MskdObjective(student, teacher, loss, batchSize, groups);
  }

  /** Unpaired CT/MR co-training: group 0 CT, group 1 MR. */
  public static Objective unpairedCtMr(
      SegmentationNetwork network, UnpairedCtMrLoss loss, int batchSize) {
    return new UnpairedCtMrObjective(network, loss, batchSize);
  }

  /** Online cross teaching: labelled groups first, the unlabelled pool last. */
  public static Objective crossTeachingOnline(
      SegmentationNetwork student,
      SegmentationNetwork teacher1,
      SegmentationNetwork teacher2,
      CrossTeachingLoss loss,
      int batchSize,
      int labelledGroups) {
    return new CrossTeachingOnlineObjective(
        student, teacher1, teacher2, loss, batchSize, labelledGroups);
  }
}
