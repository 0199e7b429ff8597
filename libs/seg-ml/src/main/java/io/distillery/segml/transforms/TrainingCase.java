package io.distillery.segml.transforms;

import java.util.Arrays;

/**
 * One training volume: image {@code C×D×H×W} floats (already normalised) and labels {@code D×H×W}
 * (0 = background), W fastest.
 */
public record TrainingCase(float[] image, int channels, short[] labels, int[] shape) {
  /** Validates sizes. */
  public TrainingCase {
    shape = shape.clone();
    int voxels = shape[0] * shape[1] * shape[2];
    if (labels.length != voxels || image.length != channels * voxels) {
      throw new IllegalArgumentException(
          "case of shape "
              + Arrays.toString(shape)
              + " has "
              + image.length
              + " image values ("
              + channels
              + " channels) and "
              + labels.length
              + " labels");
    }
  }

  @Override
  public int[] shape() {
    return shape.clone();
  }
}
