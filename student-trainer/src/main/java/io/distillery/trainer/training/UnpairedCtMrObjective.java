package io.distillery.trainer.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.distillery.segml.distillation.LossTerms;
import io.distillery.segml.distillation.UnpairedCtMrLoss;
import io.distillery.segml.losses.OneHot;
import io.distillery.segml.networks.SegmentationNetwork;
import java.util.List;

/**
 * Unpaired multi-modal segmentation via KD (Dou et al., IEEE TMI 2020, methods.md §3): one network
 * with shared kernels and two instance-norm sets (0 = CT, 1 = MR); each step takes a CT batch
 * (group 0) and an MR batch (group 1), {@code Dice + wCE} per modality plus 0.5 · prototype KL at T
 * = 2. The 1e-4 weight decay is the optimiser's. A network with one norm set ({@code sharedNorms})
 * runs both batches through that set: everything is shared (see {@link SharedNorms}).
 */
final class UnpairedCtMrObjective implements Objective {
  private final SegmentationNetwork network;
  private final UnpairedCtMrLoss loss;
  private final int batchSize;
  private final int mrNormSet;

  UnpairedCtMrObjective(SegmentationNetwork network, UnpairedCtMrLoss loss, int batchSize) {
    int sets = network.spec().normSets();
    if (sets != 1 && sets != 2) {
      throw new TrainingException(
          "unpaired-ct-mr needs a network with 2 norm sets (CT, MR) or 1 shared, not " + sets);
    }
    this.mrNormSet = sets - 1;
    this.network = network;
    this.loss = loss;
    this.batchSize = batchSize;
  }

  @Override
  public List<SegmentationNetwork> networks() {
    return List.of(network);
  }

  @Override
  public List<String> modalities() {
    return List.of("CT", "MR");
  }

  @Override
  public LossTerms compute(NDManager manager, BatchSource source, long step, double epoch) {
    int classes = network.outChannels();
    Batch ct = Batch.take(manager, source, filled(0));
    Batch mr = Batch.take(manager, source, filled(1));
    NDArray logitsCt = Forward.logits(manager, network, ct.image(), 0);
    NDArray logitsMr = Forward.logits(manager, network, mr.image(), mrNormSet);
    return loss.compute(
        logitsCt,
        OneHot.encode(ct.labelArray(manager, 0, batchSize), classes),
        logitsMr,
        OneHot.encode(mr.labelArray(manager, 0, batchSize), classes));
  }

  private int[] filled(int group) {
    int[] out = new int[batchSize];
    java.util.Arrays.fill(out, group);
    return out;
  }
}
