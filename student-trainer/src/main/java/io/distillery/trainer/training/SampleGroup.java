package io.distillery.trainer.training;

import java.util.List;

/**
 * Cases that are sampled together and share a label space and a norm set: one dataset of a
 * distillation job, the CT or the MR volumes of unpaired co-training, the unlabelled pool.
 *
 * @param name for logs and the data manifest
 * @param cases the prepared volumes (at least one)
 * @param labelledClasses job classes annotated in these cases (empty: unlabelled)
 * @param normSet instance-norm set of the network for these cases (modality index)
 */
public record SampleGroup(
    String name, List<PreparedCase> cases, int[] labelledClasses, int normSet) {

  /** Whether the group carries labels. */
  public boolean labelled() {
    return labelledClasses.length > 0;
  }
}
