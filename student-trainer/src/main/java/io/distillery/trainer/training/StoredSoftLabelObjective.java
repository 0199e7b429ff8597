package io.distillery.trainer.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.distillery.segml.distillation.CrossTeachingLoss;
import io.distillery.segml.distillation.LossTerms;
import io.distillery.segml.distillation.MsKdLoss;
import io.distillery.segml.distillation.RampUp;
import io.distillery.segml.losses.KdLoss;
import io.distillery.segml.networks.SegmentationNetwork;
import io.distillery.segml.ops.ScalarOps;
import io.distillery.trainer.Method;
import java.util.List;

/**
 * Distillation from stored teacher probabilities (carried as extra patch channels):
 *
 * <ul>
 *   <li>{@code kd}: vanilla KD (Hinton 2015) against one teacher's soft labels (all classes);
 *   <li>{@code ms-kd}: MS-KD logit-wise term (Feng et al., arXiv 2108.02559) against K single-organ
 *       teachers' foreground probabilities; the feature-wise term is not used (the trainer does not
 *       read stored teacher features yet);
 *   <li>{@code cross-teaching-offline}: the student's unlabelled terms of Choi (FLARE 2022) against
 *       the averaged soft labels of the two teachers.
 * </ul>
 *
 * Each adds the supervised / partial-label loss on samples that carry labels.
 */
final class StoredSoftLabelObjective implements Objective {
  private final SegmentationNetwork network;
  private final Method method;
  private final SupervisedTerms supervised;
  private final int batchSize;
  private final int groups;
  private final KdLoss kd;
  private final float kdWeight;
  private final float partialWeight;
  private final MsKdLoss msKd;
  private final CrossTeachingLoss crossTeaching;

  StoredSoftLabelObjective(
      SegmentationNetwork network,
      Method method,
      int batchSize,
      int groups,
      java.util.function.ToDoubleFunction<String> hyper) {
    this.network = network;
    this.method = method;
    this.supervised = new SupervisedTerms(network.outChannels());
    this.batchSize = batchSize;
    this.groups = groups;
    float temperature = (float) hyper.applyAsDouble("temperature");
    this.kd = new KdLoss(temperature);
    this.kdWeight = method == Method.KD ? (float) hyper.applyAsDouble("kdWeight") : 1f;
    this.partialWeight =
        method == Method.CROSS_TEACHING_OFFLINE
            ? 1f
            : (float) hyper.applyAsDouble("partialLabelWeight");
    this.msKd =
        method == Method.MS_KD
            ? new MsKdLoss(temperature, (float) hyper.applyAsDouble("featureWeight"))
            : null;
    this.crossTeaching =
        method == Method.CROSS_TEACHING_OFFLINE
            ? new CrossTeachingLoss(
                (float) hyper.applyAsDouble("consistencyWeight"),
                (float) hyper.applyAsDouble("distillationWeight"),
                temperature,
                new RampUp(hyper.applyAsDouble("rampUpEpochs")))
            : null;
  }

  @Override
  public List<SegmentationNetwork> networks() {
    return List.of(network);
  }

  @Override
  public LossTerms compute(NDManager manager, BatchSource source, long step, double epoch) {
    Batch batch =
        Batch.take(manager, source, Forward.roundRobin(step, batchSize, Forward.all(groups)));
    NDArray logits = Forward.logits(manager, network, batch.image(), 0);
    NDArray soft = batch.softLabels();
    LossTerms terms =
        switch (method) {
          case KD ->
              LossTerms.of(
                  "kd", ScalarOps.mul(kd.fromTeacherProbabilities(logits, soft), kdWeight));
          case MS_KD -> msKd.logitOnly(logits, soft);
          case CROSS_TEACHING_OFFLINE ->
              crossTeaching.unlabelledFromSoftLabels(logits, soft, epoch);
          default -> throw new IllegalStateException("not a stored-soft-label method: " + method);
        };
    NDArray sup = supervised.compute(manager, logits, batch, source);
    return sup == null ? terms : terms.plus("partial", partialWeight, sup);
  }
}
