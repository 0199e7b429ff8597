package io.distillery.trainer.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import io.distillery.segml.losses.DiceCeLoss;
import io.distillery.segml.losses.OneHot;
import io.distillery.segml.losses.PartialLabelLoss;
import io.distillery.segml.ops.ScalarOps;

/**
 * The supervised part shared by the methods (methods.md §0): Dice + CE on samples whose dataset
 * labels every job organ, the partial-label (marginal) loss on samples whose dataset labels only
 * some; unlabelled samples contribute nothing. Per-sample, averaged over the labelled samples.
 */
final class SupervisedTerms {
  private final int classes;
  private final DiceCeLoss diceCe = DiceCeLoss.create();

  SupervisedTerms(int classes) {
    this.classes = classes;
  }

  /** The mean supervised loss over labelled samples, or null when none is labelled. */
  NDArray compute(NDManager manager, NDArray logits, Batch batch, BatchSource source) {
    NDArray sum = null;
    int counted = 0;
    for (int b = 0; b < batch.count(); b++) {
      int[] labelled = source.groups().get(batch.groups()[b]).labelledClasses();
      if (labelled.length == 0) {
        continue;
      }
      NDArray sample = logits.get(new NDIndex("{}:{}", b, b + 1));
      NDArray loss;
      if (labelled.length == classes - 1) {
        loss =
            diceCe.fromLogits(sample, OneHot.encode(batch.labelArray(manager, b, b + 1), classes));
      } else {
        NDArray target =
            OneHot.encode(batch.partialLabels(manager, b, labelled), labelled.length + 1);
        loss = new PartialLabelLoss(classes, labelled).fromLogits(sample, target);
      }
      sum = sum == null ? loss : sum.add(loss);
      counted++;
    }
    return sum == null ? null : ScalarOps.div(sum, counted);
  }

  /** Whether every sample of the batch is labelled in every job organ. */
  boolean fullyLabelled(Batch batch, BatchSource source) {
    for (int g : batch.groups()) {
      if (source.groups().get(g).labelledClasses().length != classes - 1) {
        return false;
      }
    }
    return true;
  }
}
