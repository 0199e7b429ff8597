package io.distillery.segml.networks.blocks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.distillery.segml.export.OnnxGraph;

/**
 * Convolution (standard or depthwise-separable) → instance norm → activation, on NCDHW. The
 * convolution carries no bias (the norm's shift subsumes it).
 */
public final class ConvNormAct3d extends AbstractSegBlock {

  private final SegBlock conv;
  private final InstanceNorm3d norm;
  private final ActivationKind activation;
  private final int outChannels;

  /**
   * @param inChannels input channels
   * @param outChannels output channels
   * @param stride spatial stride of the convolution
   * @param separable depthwise-separable ({@link DepthwiseSeparableConv3d}) instead of a dense 3³
   *     convolution
   * @param normSets instance-norm parameter sets
   * @param activation non-linearity
   */
  public ConvNormAct3d(
      int inChannels,
      int outChannels,
      int stride,
      boolean separable,
      int normSets,
      ActivationKind activation) {
    this.outChannels = outChannels;
    this.conv =
        addChildBlock(
            "conv",
            separable
                ? new DepthwiseSeparableConv3d(inChannels, outChannels, stride)
                : new ConvLayer3d(inChannels, outChannels, 3, stride, 1, false));
    this.norm = addChildBlock("norm", new InstanceNorm3d(outChannels, normSets));
    this.activation = activation;
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray y = run(conv, ps, inputs.singletonOrThrow(), training, params);
    NDArray z = run(norm, ps, y, training, params);
    y.close();
    NDArray out = activation.apply(z);
    z.close();
    return new NDList(out);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return conv.getOutputShapes(inputShapes);
  }

  @Override
  public String emitOnnx(OnnxGraph graph, String input, int normSet) {
    String y = conv.emitOnnx(graph, input, normSet);
    String z = norm.emitOnnx(graph, y, normSet);
    return activation.emitOnnx(graph, z);
  }

  @Override
  public double flopsPerOutputVoxel() {
    return conv.flopsPerOutputVoxel();
  }

  /** Output channel count. */
  public int outChannels() {
    return outChannels;
  }
}
