package io.distillery.segml.networks.blocks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.distillery.segml.export.OnnxGraph;

/**
 * Squeeze-and-excitation (Hu et al., CVPR 2018) for NCDHW: global average pool → 1³ conv C → C/r →
 * ReLU → 1³ conv C/r → C → sigmoid → channel-wise rescaling of the input. Reduction r = 4 by
 * default (at least one hidden channel).
 */
public final class SqueezeExcitation3d extends AbstractSegBlock {

  /** Default channel reduction ratio. */
  public static final int DEFAULT_REDUCTION = 4;

  private final int channels;
  private final ConvLayer3d squeeze;
  private final ConvLayer3d excite;

  /**
   * @param channels channel count C
   * @param reduction reduction ratio r
   */
  public SqueezeExcitation3d(int channels, int reduction) {
    this.channels = channels;
    int hidden = Math.max(1, channels / reduction);
    squeeze = addChildBlock("squeeze", new ConvLayer3d(channels, hidden, 1, 1, 1, true));
    excite = addChildBlock("excite", new ConvLayer3d(hidden, channels, 1, 1, 1, true));
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.singletonOrThrow();
    long n = x.getShape().get(0);
    NDArray flat = x.reshape(n, channels, -1);
    NDArray pooled = flat.mean(new int[] {2}, true).reshape(n, channels, 1, 1, 1);
    NDArray hidden = run(squeeze, ps, pooled, training, params);
    pooled.close();
    NDArray activated = hidden.getNDArrayInternal().relu();
    hidden.close();
    NDArray logits = run(excite, ps, activated, training, params);
    activated.close();
    NDArray gate = logits.getNDArrayInternal().sigmoid();
    logits.close();
    NDArray out = x.mul(gate);
    gate.close();
    return new NDList(out);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {inputShapes[0]};
  }

  @Override
  public String emitOnnx(OnnxGraph graph, String input, int normSet) {
    String pooled = graph.node("GlobalAveragePool", input).output();
    String hidden = graph.node("Relu", squeeze.emitOnnx(graph, pooled, normSet)).output();
    String gate = graph.node("Sigmoid", excite.emitOnnx(graph, hidden, normSet)).output();
    return graph.node("Mul", input, gate).output();
  }

  /** The fully connected layers run once per volume, the gate is element-wise: 0 per voxel. */
  @Override
  public double flopsPerOutputVoxel() {
    return 0;
  }
}
