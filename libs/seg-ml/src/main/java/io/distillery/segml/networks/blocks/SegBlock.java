package io.distillery.segml.networks.blocks;

import ai.djl.nn.Block;
import io.distillery.segml.export.OnnxGraph;

/**
 * A block of Distillery's 3-D segmentation networks: a DJL {@link Block} on NCDHW tensors that can
 * also write itself as ONNX nodes and that states its analytic FLOP count.
 *
 * <p>FLOP counting rule (used by every block): one multiply-accumulate of a convolution-like layer
 * (convolution, grouped/depthwise convolution, transposed convolution) counts 2 FLOPs; element-wise
 * work (normalisation, activations, additions, interpolation, the SE gate) and per-volume work (the
 * SE fully connected layers on pooled vectors) count 0. Counts are per voxel of the block's output.
 */
public interface SegBlock extends Block {

  /**
   * Emits ONNX nodes computing this block.
   *
   * @param graph the graph being built
   * @param input name of the NCDHW input value
   * @param normSet which instance-norm parameter set (modality) to bake into the graph
   * @return name of the output value
   */
  String emitOnnx(OnnxGraph graph, String input, int normSet);

  /** FLOPs per voxel of this block's output, under the counting rule of {@link SegBlock}. */
  double flopsPerOutputVoxel();
}
