package io.distillery.segml.networks.blocks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.distillery.segml.export.OnnxGraph;

/**
 * Residual block (He et al., CVPR 2016) for NCDHW as in the cross-teaching teachers (Choi, FLARE
 * 2022): conv3³(stride)-norm-act → conv3³-norm → optional squeeze-and-excitation → + shortcut →
 * act. The shortcut is the identity, or a 1³ conv (with the stride) + norm when channels or
 * resolution change. Convolutions are dense, or depthwise-separable when {@code separable}.
 */
public final class ResidualBlock3d extends AbstractSegBlock {

  private final ConvNormAct3d first;
  private final SegBlock secondConv;
  private final InstanceNorm3d secondNorm;
  private final SqueezeExcitation3d se;
  private final ConvLayer3d shortcutConv;
  private final InstanceNorm3d shortcutNorm;
  private final ActivationKind activation;

  /**
   * @param inChannels input channels
   * @param outChannels output channels
   * @param stride stride of the first convolution (1 or 2)
   * @param separable depthwise-separable convolutions instead of dense ones
   * @param squeezeExcitation whether an SE block rescales the residual branch
   * @param normSets instance-norm parameter sets
   * @param activation non-linearity
   */
  public ResidualBlock3d(
      int inChannels,
      int outChannels,
      int stride,
      boolean separable,
      boolean squeezeExcitation,
      int normSets,
      ActivationKind activation) {
    this.activation = activation;
    first =
        addChildBlock(
            "conv1",
            new ConvNormAct3d(inChannels, outChannels, stride, separable, normSets, activation));
    secondConv =
        addChildBlock(
            "conv2",
            separable
                ? new DepthwiseSeparableConv3d(outChannels, outChannels, 1)
                : new ConvLayer3d(outChannels, outChannels, 3, 1, 1, false));
    secondNorm = addChildBlock("norm2", new InstanceNorm3d(outChannels, normSets));
    se =
        squeezeExcitation
            ? addChildBlock(
                "se", new SqueezeExcitation3d(outChannels, SqueezeExcitation3d.DEFAULT_REDUCTION))
            : null;
    if (inChannels != outChannels || stride != 1) {
      shortcutConv =
          addChildBlock("shortcut", new ConvLayer3d(inChannels, outChannels, 1, stride, 1, false));
      shortcutNorm = addChildBlock("shortcutNorm", new InstanceNorm3d(outChannels, normSets));
    } else {
      shortcutConv = null;
      shortcutNorm = null;
    }
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.singletonOrThrow();
    NDArray a = run(first, ps, x, training, params);
    NDArray b = run(secondConv, ps, a, training, params);
    a.close();
    NDArray residual = run(secondNorm, ps, b, training, params);
    b.close();
    if (se != null) {
      NDArray gated = run(se, ps, residual, training, params);
      residual.close();
      residual = gated;
    }
    NDArray shortcut;
    if (shortcutConv != null) {
      NDArray projected = run(shortcutConv, ps, x, training, params);
      shortcut = run(shortcutNorm, ps, projected, training, params);
      projected.close();
    } else {
      shortcut = x;
    }
    NDArray sum = residual.add(shortcut);
    residual.close();
    if (shortcut != x) {
      shortcut.close();
    }
    NDArray out = activation.apply(sum);
    sum.close();
    return new NDList(out);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return first.getOutputShapes(inputShapes);
  }

  @Override
  public String emitOnnx(OnnxGraph graph, String input, int normSet) {
    String a = first.emitOnnx(graph, input, normSet);
    String residual = secondNorm.emitOnnx(graph, secondConv.emitOnnx(graph, a, normSet), normSet);
    if (se != null) {
      residual = se.emitOnnx(graph, residual, normSet);
    }
    String shortcut =
        shortcutConv == null
            ? input
            : shortcutNorm.emitOnnx(graph, shortcutConv.emitOnnx(graph, input, normSet), normSet);
    return activation.emitOnnx(graph, graph.node("Add", residual, shortcut).output());
  }

  @Override
  public double flopsPerOutputVoxel() {
    return first.flopsPerOutputVoxel()
        + secondConv.flopsPerOutputVoxel()
        + (shortcutConv == null ? 0 : shortcutConv.flopsPerOutputVoxel());
  }
}
