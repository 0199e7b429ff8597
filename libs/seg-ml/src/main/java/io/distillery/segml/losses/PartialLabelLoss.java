package io.distillery.segml.losses;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import java.util.Arrays;

/**
 * Partial-label (marginal) loss for learning a multi-organ student from single-organ datasets (Shi
 * et al., "Marginal loss and exclusion loss for partially supervised multi-organ segmentation",
 * MedIA 2021; methods.md §0).
 *
 * <p>The student predicts {@code K+1} classes ({@code N×(K+1)×D×H×W} logits). A case whose dataset
 * labels only some of them has a target in its own label space {@code N×(L+1)×D×H×W}: channel 0 is
 * "none of the labelled classes", channel {@code j ≥ 1} is student class {@code labelled[j−1]}. The
 * student's probabilities are merged into that space — {@code P'(0) = P(0) + Σ_{c unlabelled}
 * P(c)}, {@code P'(j) = P(labelled[j−1])} — and {@link DiceCeLoss} is applied there. The merge is
 * done on log-probabilities with a stable log-sum-exp. All cases of one call share a label space.
 */
public final class PartialLabelLoss {
  private final int studentClasses;
  private final int[] labelled;
  private final int[] mergedIntoBackground;
  private final DiceCeLoss supervised;

  /**
   * @param studentClasses number of student output channels, background included
   * @param labelledClasses student class indices labelled in this dataset, in the order of the
   *     dataset's label values 1..L
   * @param supervised the loss applied in the merged space (methods.md: Dice + CE)
   */
  public PartialLabelLoss(int studentClasses, int[] labelledClasses, DiceCeLoss supervised) {
    if (labelledClasses.length == 0) {
      throw new LossInputException("at least one labelled class is required");
    }
    boolean[] seen = new boolean[studentClasses];
    for (int c : labelledClasses) {
      if (c < 1 || c >= studentClasses || seen[c]) {
        throw new LossInputException(
            "labelled classes must be distinct student classes in 1.."
                + (studentClasses - 1)
                + ", got "
                + Arrays.toString(labelledClasses));
      }
      seen[c] = true;
    }
    this.studentClasses = studentClasses;
    this.labelled = labelledClasses.clone();
    this.mergedIntoBackground =
        java.util.stream.IntStream.range(0, studentClasses).filter(c -> !seen[c]).toArray();
    this.supervised = supervised;
  }

  /** With the methods.md supervised loss (Dice + CE, 1:1). */
  public PartialLabelLoss(int studentClasses, int[] labelledClasses) {
    this(studentClasses, labelledClasses, DiceCeLoss.create());
  }

  /** Loss from student logits {@code N×(K+1)×...} and a target {@code N×(L+1)×...}. */
  public NDArray fromLogits(NDArray studentLogits, NDArray target) {
    if (studentLogits.getShape().get(1) != studentClasses) {
      throw new LossInputException(
          "student logits have "
              + studentLogits.getShape().get(1)
              + " channels, expected "
              + studentClasses);
    }
    return supervised.fromLogProbabilities(mergedLogProbabilities(studentLogits), target);
  }

  /** The student's log-probabilities merged into this dataset's label space. */
  public NDArray mergedLogProbabilities(NDArray studentLogits) {
    NDArray logP = studentLogits.logSoftmax(1);
    NDList background = new NDList();
    for (int c : mergedIntoBackground) {
      background.add(channel(logP, c));
    }
    NDList merged = new NDList();
    merged.add(Tensors.logSumExpChannels(NDArrays.concat(background, 1)));
    for (int c : labelled) {
      merged.add(channel(logP, c));
    }
    return NDArrays.concat(merged, 1);
  }

  private static NDArray channel(NDArray a, int c) {
    return a.get(":, " + c + ":" + (c + 1));
  }
}
