package io.distillery.segml.engine;

import ai.djl.ndarray.types.Shape;

/**
 * A batch of windows in NCDHW order, flattened row-major.
 *
 * @param data values, length N·C·D·H·W
 * @param shape (N, C, D, H, W)
 */
public record WindowBatch(float[] data, Shape shape) {

  /** Checks that the data length matches the shape. */
  public WindowBatch {
    if (shape.dimension() != 5 || shape.size() != data.length) {
      throw new IllegalArgumentException(
          "window batch: " + data.length + " values do not fill an NCDHW shape " + shape);
    }
  }

  /** Builds the batch for {@code batch} windows of {@code channels} channels and size roiDHW. */
  public static WindowBatch of(float[] data, int batch, int channels, int[] roiDHW) {
    if (roiDHW.length != 3) {
      throw new IllegalArgumentException("roiDHW must have 3 entries");
    }
    return new WindowBatch(data, new Shape(batch, channels, roiDHW[0], roiDHW[1], roiDHW[2]));
  }
}
