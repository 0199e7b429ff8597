package io.distillery.trainer.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import io.distillery.segml.losses.CrossEntropyLoss;
import io.distillery.segml.losses.DiceCeLoss;
import io.distillery.segml.losses.DiceLoss;
import io.distillery.segml.losses.OneHot;
import io.distillery.segml.losses.PartialLabelLoss;
import io.distillery.segml.networks.NetworkOutput;
import io.distillery.segml.ops.ScalarOps;
import java.util.List;
import java.util.function.BiFunction;

/**
 * The supervised part shared by the methods (methods.md §0): Dice + CE on samples whose dataset
 * labels every job organ, the partial-label (marginal) loss on samples whose dataset labels only
 * some; unlabelled samples contribute nothing.
 *
 * <p>With {@code batchDice} a batch whose samples are all fully labelled is scored as one: the Dice
 * of each class pools the voxels of every sample (nnU-Net's "batch Dice"), so a class present in
 * one patch of the batch gets its full Dice gradient instead of a per-sample ratio that is
 * undefined in the patches where the class is absent. Otherwise per sample, averaged over the
 * labelled samples.
 *
 * <p>{@link #compute(NDManager, NDArray, Batch, BatchSource, int)} also scores the lower-resolution
 * outputs of deep supervision: the labels are then taken at every {@code stride}-th voxel (nearest
 * down-sampling, as nnU-Net does for its deep-supervision targets).
 */
final class SupervisedTerms {
  private final int classes;
  private final boolean batchDice;
  private final DiceCeLoss diceCe = DiceCeLoss.create();
  private final DiceCeLoss batchDiceCe =
      new DiceCeLoss(
          DiceLoss.builder().optBatchDice(true).build(), CrossEntropyLoss.unweighted(), 1f, 1f);

  SupervisedTerms(int classes) {
    this(classes, false);
  }

  SupervisedTerms(int classes, boolean batchDice) {
    this.classes = classes;
    this.batchDice = batchDice;
  }

  /** The mean supervised loss over labelled samples, or null when none is labelled. */
  NDArray compute(NDManager manager, NDArray logits, Batch batch, BatchSource source) {
    return compute(manager, logits, batch, source, 1);
  }

  /**
   * As {@link #compute(NDManager, NDArray, Batch, BatchSource)} for logits at {@code 1/stride} of
   * the patch resolution.
   */
  NDArray compute(NDManager manager, NDArray logits, Batch batch, BatchSource source, int stride) {
    if (batchDice && fullyLabelled(batch, source)) {
      NDArray labels = atStride(batch.labelArray(manager, 0, batch.count()), stride);
      return batchDiceCe.fromLogits(logits, OneHot.encode(labels, classes));
    }
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
        NDArray labels = atStride(batch.labelArray(manager, b, b + 1), stride);
        loss = diceCe.fromLogits(sample, OneHot.encode(labels, classes));
      } else {
        NDArray labels = atStride(batch.partialLabels(manager, b, labelled), stride);
        NDArray target = OneHot.encode(labels, labelled.length + 1);
        loss = new PartialLabelLoss(classes, labelled).fromLogits(sample, target);
      }
      sum = sum == null ? loss : sum.add(loss);
      counted++;
    }
    return sum == null ? null : ScalarOps.div(sum, counted);
  }

  /**
   * The supervised loss of a network output with deep supervision (Lee et al., AISTATS 2015; as
   * nnU-Net uses it): the full-resolution loss plus each auxiliary head's loss against the labels
   * taken at its stride, weight 1/2 per halving of resolution, divided by the sum of the weights so
   * that the loss stays on the scale of a single Dice + CE [our choice, as nnU-Net]. Without heads
   * this is {@link #compute(NDManager, NDArray, Batch, BatchSource)}; null when no sample is
   * labelled.
   */
  NDArray withDeepSupervision(
      NDManager manager, NetworkOutput out, Batch batch, BatchSource source) {
    return deeplySupervised(
        out, (logits, stride) -> compute(manager, logits, batch, source, stride));
  }

  /**
   * As {@link #withDeepSupervision} against full label maps {@code N×D×H×W} given for the batch
   * (e.g. {@link PseudoLabels}): batch Dice + CE over all classes, every sample counted.
   */
  NDArray completedWithDeepSupervision(NetworkOutput out, NDArray labels) {
    return deeplySupervised(
        out,
        (logits, stride) ->
            batchDiceCe.fromLogits(logits, OneHot.encode(atStride(labels, stride), classes)));
  }

  private static NDArray deeplySupervised(
      NetworkOutput out, BiFunction<NDArray, Integer, NDArray> lossAtStride) {
    NDArray loss = lossAtStride.apply(out.logits(), 1);
    List<NDArray> deep = out.deepSupervision();
    if (loss == null || deep.isEmpty()) {
      return loss;
    }
    // deepSupervision() is deepest first: output j has stride 2^(deep.size() − j).
    float weightSum = 1f;
    NDArray sum = loss;
    for (int j = 0; j < deep.size(); j++) {
      int stride = 1 << (deep.size() - j);
      float weight = 1f / stride;
      sum = sum.add(ScalarOps.mul(lossAtStride.apply(deep.get(j), stride), weight));
      weightSum += weight;
    }
    return ScalarOps.div(sum, weightSum);
  }

  /** Every {@code stride}-th voxel of N×D×H×W labels (nearest down-sampling). */
  private static NDArray atStride(NDArray labels, int stride) {
    if (stride == 1) {
      return labels;
    }
    return labels.get(new NDIndex(String.format(":, ::%d, ::%d, ::%d", stride, stride, stride)));
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
