package io.distillery.segml.networks.blocks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.XavierInitializer;
import ai.djl.util.PairList;
import io.distillery.segml.export.OnnxGraph;

/**
 * 3-D convolution on NCDHW input with cubic kernel {@code k}, "same" padding {@code k/2}, stride
 * {@code s} and {@code groups} (groups = channels gives a depthwise convolution). Weight layout
 * (Cout, Cin/groups, k, k, k), as in PyTorch and ONNX {@code Conv}; He-normal initialisation.
 */
public final class ConvLayer3d extends AbstractSegBlock {

  private final int inChannels;
  private final int outChannels;
  private final int kernel;
  private final int stride;
  private final int groups;
  private final Parameter weight;
  private final Parameter bias;

  /**
   * @param inChannels input channels
   * @param outChannels output channels
   * @param kernel cubic kernel size (odd)
   * @param stride stride in every spatial axis
   * @param groups channel groups; must divide both channel counts
   * @param withBias whether a per-channel bias is added
   */
  public ConvLayer3d(
      int inChannels, int outChannels, int kernel, int stride, int groups, boolean withBias) {
    if (kernel % 2 != 1 || inChannels % groups != 0 || outChannels % groups != 0 || stride < 1) {
      throw new IllegalArgumentException(
          "invalid conv: in="
              + inChannels
              + " out="
              + outChannels
              + " k="
              + kernel
              + " groups="
              + groups
              + " stride="
              + stride
              + " (odd kernel, groups dividing channels)");
    }
    this.inChannels = inChannels;
    this.outChannels = outChannels;
    this.kernel = kernel;
    this.stride = stride;
    this.groups = groups;
    weight =
        addParameter(
            Parameter.builder()
                .setName("weight")
                .setType(Parameter.Type.WEIGHT)
                .optInitializer(
                    new XavierInitializer(
                        XavierInitializer.RandomType.GAUSSIAN, XavierInitializer.FactorType.IN, 2))
                .optShape(new Shape(outChannels, inChannels / groups, kernel, kernel, kernel))
                .build());
    bias =
        withBias
            ? addParameter(
                Parameter.builder()
                    .setName("bias")
                    .setType(Parameter.Type.BIAS)
                    .optShape(new Shape(outChannels))
                    .build())
            : null;
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.singletonOrThrow();
    NDArray w = ps.getValue(weight, x.getDevice(), training);
    NDArray b = bias == null ? null : ps.getValue(bias, x.getDevice(), training);
    int pad = kernel / 2;
    return x.getNDArrayInternal()
        .convolution(
            x,
            w,
            b,
            new Shape(stride, stride, stride),
            new Shape(pad, pad, pad),
            new Shape(1, 1, 1),
            groups);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape s = inputShapes[0];
    return new Shape[] {
      new Shape(s.get(0), outChannels, out(s.get(2)), out(s.get(3)), out(s.get(4)))
    };
  }

  private long out(long n) {
    return (n + 2L * (kernel / 2) - kernel) / stride + 1;
  }

  @Override
  public String emitOnnx(OnnxGraph graph, String input, int normSet) {
    String w = graph.initializer("conv_w", weight.getArray());
    int pad = kernel / 2;
    OnnxGraph.Node node =
        graph
            .node("Conv", input, w)
            .ints("kernel_shape", kernel, kernel, kernel)
            .ints("strides", stride, stride, stride)
            .ints("pads", pad, pad, pad, pad, pad, pad)
            .ints("dilations", 1, 1, 1)
            .integer("group", groups);
    if (bias != null) {
      node.input(graph.initializer("conv_b", bias.getArray()));
    }
    return node.output();
  }

  @Override
  public double flopsPerOutputVoxel() {
    return 2L * kernel * kernel * kernel * (inChannels / groups) * outChannels;
  }

  /** Input channel count. */
  public int inChannels() {
    return inChannels;
  }

  /** Output channel count. */
  public int outChannels() {
    return outChannels;
  }

  /** Spatial stride. */
  public int stride() {
    return stride;
  }
}
