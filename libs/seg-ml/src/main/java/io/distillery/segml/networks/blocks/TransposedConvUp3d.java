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
 * Transposed 3-D convolution with kernel 2 and stride 2 (doubles D, H, W), NCDHW. Weight layout
 * (Cin, Cout, 2, 2, 2), the layout of ONNX {@code ConvTranspose}, plus a bias (Cout).
 *
 * <p>DJL's PyTorch engine has no transposed convolution. With kernel = stride = 2 the output
 * windows do not overlap, so {@code out[n, o, 2d+a, 2h+b, 2w+c] = Σ_i x[n, i, d, h, w] · W[i, o, a,
 * b, c] + bias[o]}: one matmul (N·D·H·W, Cin) × (Cin, Cout·8) followed by a reshape/transpose.
 */
public final class TransposedConvUp3d extends AbstractSegBlock {

  private final int inChannels;
  private final int outChannels;
  private final Parameter weight;
  private final Parameter bias;

  /**
   * @param inChannels input channels
   * @param outChannels output channels
   */
  public TransposedConvUp3d(int inChannels, int outChannels) {
    this.inChannels = inChannels;
    this.outChannels = outChannels;
    weight =
        addParameter(
            Parameter.builder()
                .setName("weight")
                .setType(Parameter.Type.WEIGHT)
                .optInitializer(
                    new XavierInitializer(
                        XavierInitializer.RandomType.GAUSSIAN, XavierInitializer.FactorType.IN, 2))
                .optShape(new Shape(inChannels, outChannels, 2, 2, 2))
                .build());
    bias =
        addParameter(
            Parameter.builder()
                .setName("bias")
                .setType(Parameter.Type.BIAS)
                .optShape(new Shape(outChannels))
                .build());
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.singletonOrThrow();
    Shape s = x.getShape();
    long n = s.get(0);
    long d = s.get(2);
    long h = s.get(3);
    long w = s.get(4);
    NDArray weights = ps.getValue(weight, x.getDevice(), training).reshape(inChannels, -1);
    NDArray b = ps.getValue(bias, x.getDevice(), training).reshape(1, outChannels, 1, 1, 1);
    NDArray channelsLast = x.transpose(0, 2, 3, 4, 1).reshape(-1, inChannels);
    NDArray product = channelsLast.matMul(weights);
    channelsLast.close();
    NDArray blocks =
        product
            .reshape(n, d, h, w, outChannels, 2, 2, 2)
            .transpose(0, 4, 1, 5, 2, 6, 3, 7)
            .reshape(n, outChannels, 2 * d, 2 * h, 2 * w);
    product.close();
    NDArray out = blocks.add(b);
    blocks.close();
    return new NDList(out);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape s = inputShapes[0];
    return new Shape[] {new Shape(s.get(0), outChannels, 2 * s.get(2), 2 * s.get(3), 2 * s.get(4))};
  }

  @Override
  public String emitOnnx(OnnxGraph graph, String input, int normSet) {
    return graph
        .node(
            "ConvTranspose",
            input,
            graph.initializer("up_w", weight.getArray()),
            graph.initializer("up_b", bias.getArray()))
        .ints("kernel_shape", 2, 2, 2)
        .ints("strides", 2, 2, 2)
        .output();
  }

  /** Each output voxel receives Cin·Cout multiply-adds (one kernel tap per input channel). */
  @Override
  public double flopsPerOutputVoxel() {
    return 2L * inChannels * outChannels;
  }
}
