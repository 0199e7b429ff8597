package io.distillery.trainer.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.distillery.segml.distillation.LossTerms;
import io.distillery.segml.networks.SegmentationNetwork;
import java.util.List;

/**
 * Teacher training (methods.md §0): Dice + CE; on a binary-labelled dataset with two job classes
 * this trains a single-organ teacher. Datasets labelling only some job organs get the partial-label
 * loss.
 */
final class SupervisedObjective implements Objective {
  private final SegmentationNetwork network;
  private final SupervisedTerms supervised;
  private final int batchSize;
  private final int groups;

  SupervisedObjective(SegmentationNetwork network, int batchSize, int groups) {
    this.network = network;
    this.supervised = new SupervisedTerms(network.outChannels());
    this.batchSize = batchSize;
    this.groups = groups;
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
    NDArray loss = supervised.compute(manager, logits, batch, source);
    if (loss == null) {
      throw new TrainingException("a teacher job needs labelled training volumes");
    }
    return LossTerms.of("supervised", loss);
  }
}
