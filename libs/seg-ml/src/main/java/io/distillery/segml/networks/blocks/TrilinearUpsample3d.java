package io.distillery.segml.networks.blocks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.distillery.segml.export.OnnxGraph;
import io.distillery.segml.ops.ScalarOps;

/**
 * Trilinear ×2 upsampling of NCDHW input with half-pixel centres ({@code align_corners=False}, ONNX
 * {@code Resize} linear / half_pixel), edges clamped. No parameters.
 *
 * <p>Linear interpolation on 5-D input fails in DJL's PyTorch engine, so this is three separable
 * 1-D passes. For scale 2 with half-pixel centres, output {@code 2i} samples {@code i − ¼} and
 * {@code 2i+1} samples {@code i + ¼}: {@code out[2i] = ¾·x[i] + ¼·x[i−1]}, {@code out[2i+1] =
 * ¾·x[i] + ¼·x[i+1]} (indices clamped), then the two phases are interleaved.
 */
public final class TrilinearUpsample3d extends AbstractSegBlock {

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.singletonOrThrow();
    NDArray d = upsampleAxis(x, 2);
    NDArray h = upsampleAxis(d, 3);
    d.close();
    NDArray w = upsampleAxis(h, 4);
    h.close();
    return new NDList(w);
  }

  /** Doubles one spatial axis of a 5-D array by linear interpolation (half-pixel centres). */
  static NDArray upsampleAxis(NDArray x, int axis) {
    Shape s = x.getShape();
    long n = s.get(axis);
    NDArray first = x.get(slice(axis, "0:1"));
    NDArray last = x.get(slice(axis, (n - 1) + ":" + n));
    NDArray previous;
    NDArray next;
    if (n > 1) {
      NDArray head = x.get(slice(axis, "0:" + (n - 1)));
      NDArray tail = x.get(slice(axis, "1:" + n));
      previous = NDArrays.concat(new NDList(first, head), axis);
      next = NDArrays.concat(new NDList(tail, last), axis);
      head.close();
      tail.close();
    } else {
      previous = first.duplicate();
      next = last.duplicate();
    }
    first.close();
    last.close();
    NDArray centre = ScalarOps.mul(x, 0.75f);
    NDArray prevQuarter = ScalarOps.mul(previous, 0.25f);
    NDArray nextQuarter = ScalarOps.mul(next, 0.25f);
    previous.close();
    next.close();
    NDArray even = centre.add(prevQuarter);
    NDArray odd = centre.add(nextQuarter);
    centre.close();
    prevQuarter.close();
    nextQuarter.close();
    NDArray stacked = NDArrays.stack(new NDList(even, odd), axis + 1);
    even.close();
    odd.close();
    long[] dims = s.getShape();
    dims[axis] = 2 * n;
    NDArray out = stacked.reshape(new Shape(dims));
    stacked.close();
    return out;
  }

  private static NDIndex slice(int axis, String range) {
    StringBuilder spec = new StringBuilder();
    for (int i = 0; i < axis; i++) {
      spec.append(":,");
    }
    return new NDIndex(spec.append(range).toString());
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape s = inputShapes[0];
    return new Shape[] {new Shape(s.get(0), s.get(1), 2 * s.get(2), 2 * s.get(3), 2 * s.get(4))};
  }

  @Override
  public String emitOnnx(OnnxGraph graph, String input, int normSet) {
    String scales = graph.initializer("scales", new float[] {1f, 1f, 2f, 2f, 2f}, 5);
    return graph
        .node("Resize", input, "", scales)
        .string("mode", "linear")
        .string("coordinate_transformation_mode", "half_pixel")
        .output();
  }

  @Override
  public double flopsPerOutputVoxel() {
    return 0;
  }
}
