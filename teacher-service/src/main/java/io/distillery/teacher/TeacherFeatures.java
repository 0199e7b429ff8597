package io.distillery.teacher;

/**
 * A teacher's declared feature map for one volume, on the teacher's grid (the grid of its soft
 * labels, since only full-resolution taps are stored).
 *
 * @param tap the declared feature layer (the ONNX output name)
 * @param data values, layout CDHW (channel, z, y, x; x fastest)
 * @param channels channel count C
 * @param shapeXyz voxel counts [x, y, z]
 * @param spacingXyz voxel size in mm [x, y, z]
 */
public record TeacherFeatures(
    String tap, float[] data, int channels, int[] shapeXyz, double[] spacingXyz) {

  /** The codec shape {@code [C, D, H, W]}. */
  public long[] codecShape() {
    return new long[] {channels, shapeXyz[2], shapeXyz[1], shapeXyz[0]};
  }
}
