package io.distillery.segml.losses;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import io.distillery.segml.ops.ScalarOps;

/** Shape checks and axis lists shared by the losses of this package (package-private). */
final class Tensors {
  private Tensors() {}

  static void requireSameShape(String what, NDArray a, NDArray b) {
    if (!a.getShape().equals(b.getShape())) {
      throw new LossInputException(
          what + ": shapes differ, " + a.getShape() + " vs " + b.getShape());
    }
  }

  static void requireChannelsFirst(String what, NDArray a) {
    if (a.getShape().dimension() < 3) {
      throw new LossInputException(
          what + ": expected N, C and at least one spatial axis, got " + a.getShape());
    }
  }

  /** Spatial axes 2..rank-1. */
  static int[] spatialAxes(NDArray a) {
    int rank = a.getShape().dimension();
    int[] axes = new int[rank - 2];
    for (int i = 0; i < axes.length; i++) {
      axes[i] = i + 2;
    }
    return axes;
  }

  /** Batch plus spatial axes: 0, 2..rank-1. */
  static int[] batchAndSpatialAxes(NDArray a) {
    int rank = a.getShape().dimension();
    int[] axes = new int[rank - 1];
    axes[0] = 0;
    for (int i = 1; i < axes.length; i++) {
      axes[i] = i + 1;
    }
    return axes;
  }

  /** Reshapes NC... to (N, C, V) with all spatial voxels flattened. */
  static NDArray flattenSpatial(NDArray a) {
    Shape s = a.getShape();
    return a.reshape(s.get(0), s.get(1), -1);
  }

  /** Mean of {@code values} (any shape) weighted by a 0/1 mask of the same shape; 0 if empty. */
  static NDArray maskedMean(NDArray values, NDArray mask) {
    NDArray count = ScalarOps.maximum(mask.sum(), 1f);
    return values.mul(mask).sum().div(count);
  }

  /**
   * Numerically stable {@code log Σ exp} over axis 1 with keepDims; the shift is detached because
   * it cancels analytically.
   */
  static NDArray logSumExpChannels(NDArray a) {
    NDArray shift = a.max(new int[] {1}, true).stopGradient();
    return a.sub(shift).exp().sum(new int[] {1}, true).log().add(shift);
  }
}
