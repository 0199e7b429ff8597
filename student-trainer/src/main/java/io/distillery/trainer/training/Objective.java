package io.distillery.trainer.training;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import io.distillery.segml.distillation.LossTerms;
import io.distillery.segml.networks.SegmentationNetwork;
import java.util.List;

/**
 * The per-step loss of one method: draws its batch(es) from a {@link BatchSource}, runs the
 * networks in training mode and returns the loss terms. Everything it creates belongs to {@code
 * manager}, which the caller closes after the step.
 */
public interface Objective {

  /** The trained networks; index 0 is the one published. */
  List<SegmentationNetwork> networks();

  /**
   * Further trained blocks that are not published (MS-KD's feature adaptors): optimised with the
   * networks and checkpointed after them, so a resumed job continues with the same adaptors.
   */
  default List<Block> auxiliaryBlocks() {
    return List.of();
  }

  /** The step's loss; called inside a gradient collector. */
  LossTerms compute(NDManager manager, BatchSource source, long step, double epoch);

  /** Modality names by norm set of the published network. */
  default List<String> modalities() {
    return List.of("CT");
  }
}
