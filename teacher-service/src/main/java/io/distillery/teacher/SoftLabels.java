package io.distillery.teacher;

import java.util.List;

/**
 * A teacher's probabilities for one volume on the teacher's grid.
 *
 * @param data probabilities, layout CDHW (channel, z, y, x; x fastest), stored channels only
 * @param shapeXyz voxel counts [x, y, z]
 * @param spacingXyz voxel size in mm [x, y, z]
 * @param channels class name of each channel
 */
public record SoftLabels(float[] data, int[] shapeXyz, double[] spacingXyz, List<String> channels) {

  /** The codec shape {@code [C, D, H, W]}. */
  public long[] codecShape() {
    return new long[] {channels.size(), shapeXyz[2], shapeXyz[1], shapeXyz[0]};
  }
}
