package io.distillery.trainer.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.distillery.segml.distillation.LossTerms;
import io.distillery.segml.networks.NetworkOutput;
import io.distillery.segml.networks.SegmentationNetwork;
import java.util.List;
import java.util.Set;

/**
 * Teacher training (methods.md §0): Dice + CE; on a binary-labelled dataset with two job classes
 * this trains a single-organ teacher. Datasets labelling only some job organs get the partial-label
 * loss.
 *
 * <p>Deep supervision ({@link SupervisedTerms#withDeepSupervision}) when the network has auxiliary
 * heads. The coarse heads give the encoder's deep levels, where the context that tells a left
 * kidney from the spleen lives, a direct gradient early in training.
 *
 * <p>Every step also logs {@link TrainingDiagnostics} of the full-resolution output.
 */
final class SupervisedObjective implements Objective {
  private final SegmentationNetwork network;
  private final SupervisedTerms supervised;
  private final int batchSize;
  private final int groups;
  private final List<String> classNames;

  SupervisedObjective(
      SegmentationNetwork network,
      int batchSize,
      int groups,
      boolean batchDice,
      List<String> classNames) {
    this.network = network;
    this.supervised = new SupervisedTerms(network.outChannels(), batchDice);
    this.batchSize = batchSize;
    this.groups = groups;
    this.classNames = List.copyOf(classNames);
  }

  @Override
  public List<SegmentationNetwork> networks() {
    return List.of(network);
  }

  @Override
  public LossTerms compute(NDManager manager, BatchSource source, long step, double epoch) {
    Batch batch =
        Batch.take(manager, source, Forward.roundRobin(step, batchSize, Forward.all(groups)));
    NetworkOutput out = Forward.output(manager, network, batch.image(), 0, Set.of());
    NDArray loss = supervised.withDeepSupervision(manager, out, batch, source);
    if (loss == null) {
      throw new TrainingException("a teacher job needs labelled training volumes");
    }
    return LossTerms.of("supervised", loss)
        .withDiagnostics(TrainingDiagnostics.of(out.logits(), batch, source, classNames));
  }
}
