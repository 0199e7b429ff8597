package io.distillery.segml.losses;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/** Converts integer label maps {@code N×D×H×W} into one-hot targets {@code N×C×D×H×W}. */
public final class OneHot {
  private OneHot() {}

  /**
   * One-hot encodes {@code labels} (integer, shape {@code N, spatial...}) into float32 {@code N, C,
   * spatial...}.
   *
   * @throws LossInputException if {@code numClasses < 1}
   */
  public static NDArray encode(NDArray labels, int numClasses) {
    return encode(labels, numClasses, DataType.FLOAT32);
  }

  /** As {@link #encode(NDArray, int)} with the given floating data type. */
  public static NDArray encode(NDArray labels, int numClasses, DataType type) {
    if (numClasses < 1) {
      throw new LossInputException("numClasses must be >= 1, got " + numClasses);
    }
    NDArray hot = labels.toType(DataType.INT64, false).oneHot(numClasses, type);
    int rank = hot.getShape().dimension();
    int[] axes = new int[rank];
    axes[0] = 0;
    axes[1] = rank - 1;
    for (int i = 2; i < rank; i++) {
      axes[i] = i - 1;
    }
    return hot.transpose(axes);
  }

  /**
   * One-hot of the channel argmax of {@code scores} ({@code N×C×...}), detached: the hard pseudo
   * label used by cross teaching.
   */
  public static NDArray ofArgmax(NDArray scores) {
    int classes = (int) scores.getShape().get(1);
    return encode(scores.argMax(1), classes, scores.getDataType()).stopGradient();
  }
}
