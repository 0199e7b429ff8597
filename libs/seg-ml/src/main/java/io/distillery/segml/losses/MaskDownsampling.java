package io.distillery.segml.losses;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Nearest-neighbour downsampling of masks {@code N×C×D×H×W} to a feature map's resolution by an
 * integer factor per spatial axis, keeping voxel {@code i·f} (PyTorch's {@code nearest} mode). The
 * region losses of MS-KD and MSKD use it when the distilled feature map is coarser than the output.
 */
public final class MaskDownsampling {
  private MaskDownsampling() {}

  /**
   * Downsamples {@code masks} to the spatial size of {@code reference} (same rank, spatial sizes
   * dividing those of the masks).
   *
   * @throws LossInputException when the sizes are not integer multiples
   */
  public static NDArray toResolutionOf(NDArray masks, NDArray reference) {
    Shape m = masks.getShape();
    Shape r = reference.getShape();
    if (m.dimension() != r.dimension()) {
      throw new LossInputException("mask rank " + m + " differs from feature rank " + r);
    }
    StringBuilder index = new StringBuilder(":, :");
    boolean same = true;
    for (int axis = 2; axis < m.dimension(); axis++) {
      long size = m.get(axis);
      long target = r.get(axis);
      if (target <= 0 || size % target != 0) {
        throw new LossInputException(
            "mask " + m + " cannot be downsampled by an integer factor to " + r);
      }
      long factor = size / target;
      same &= factor == 1;
      index.append(", ::").append(factor);
    }
    return same ? masks : masks.get(index.toString());
  }
}
