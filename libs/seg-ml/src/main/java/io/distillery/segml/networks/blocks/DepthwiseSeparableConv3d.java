package io.distillery.segml.networks.blocks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.distillery.segml.export.OnnxGraph;

/**
 * Depthwise-separable 3-D convolution (Howard et al., MobileNets 2017; the student unit of Choi,
 * FLARE 2022): a 3³ depthwise convolution (groups = Cin, carrying the stride) followed by a 1³
 * pointwise convolution Cin → Cout. NCDHW; no biases (a norm follows).
 */
public final class DepthwiseSeparableConv3d extends AbstractSegBlock {

  private final ConvLayer3d depthwise;
  private final ConvLayer3d pointwise;

  /**
   * @param inChannels input channels
   * @param outChannels output channels
   * @param stride spatial stride (applied by the depthwise part)
   */
  public DepthwiseSeparableConv3d(int inChannels, int outChannels, int stride) {
    depthwise =
        addChildBlock(
            "depthwise", new ConvLayer3d(inChannels, inChannels, 3, stride, inChannels, false));
    pointwise =
        addChildBlock("pointwise", new ConvLayer3d(inChannels, outChannels, 1, 1, 1, false));
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray d = run(depthwise, ps, inputs.singletonOrThrow(), training, params);
    NDArray p = run(pointwise, ps, d, training, params);
    d.close();
    return new NDList(p);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return pointwise.getOutputShapes(depthwise.getOutputShapes(inputShapes));
  }

  @Override
  public String emitOnnx(OnnxGraph graph, String input, int normSet) {
    return pointwise.emitOnnx(graph, depthwise.emitOnnx(graph, input, normSet), normSet);
  }

  @Override
  public double flopsPerOutputVoxel() {
    return depthwise.flopsPerOutputVoxel() + pointwise.flopsPerOutputVoxel();
  }
}
