package io.distillery.segml.networks.blocks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.distillery.segml.export.OnnxGraph;

/**
 * Up-sampling by interpolation followed by convolution (the second cross-teaching teacher of Choi,
 * FLARE 2022): a 1³ convolution Cin → Cout at the coarse resolution, then trilinear ×2. NCDHW.
 *
 * <p>[our choice] The channel-reducing convolution runs before the interpolation and is 1³: both
 * orders are equivalent for a 1³ convolution (linear interpolation commutes with a per-voxel linear
 * map, bias included since interpolation weights sum to 1), and this order costs 8× fewer FLOPs.
 */
public final class InterpolatingUp3d extends AbstractSegBlock {

  private final ConvLayer3d conv;
  private final TrilinearUpsample3d upsample;

  /**
   * @param inChannels input channels
   * @param outChannels output channels
   */
  public InterpolatingUp3d(int inChannels, int outChannels) {
    conv = addChildBlock("conv", new ConvLayer3d(inChannels, outChannels, 1, 1, 1, true));
    upsample = addChildBlock("upsample", new TrilinearUpsample3d());
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray reduced = run(conv, ps, inputs.singletonOrThrow(), training, params);
    NDArray up = run(upsample, ps, reduced, training, params);
    reduced.close();
    return new NDList(up);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return upsample.getOutputShapes(conv.getOutputShapes(inputShapes));
  }

  @Override
  public String emitOnnx(OnnxGraph graph, String input, int normSet) {
    return upsample.emitOnnx(graph, conv.emitOnnx(graph, input, normSet), normSet);
  }

  /** The 1³ convolution runs on 1/8 of the output voxels. */
  @Override
  public double flopsPerOutputVoxel() {
    return conv.flopsPerOutputVoxel() / 8.0;
  }
}
