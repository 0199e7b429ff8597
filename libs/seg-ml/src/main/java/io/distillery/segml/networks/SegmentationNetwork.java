package io.distillery.segml.networks;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import io.distillery.segml.export.OnnxGraph;
import java.util.List;
import java.util.Set;

/**
 * A 3-D segmentation network on NCDHW float32 input, returning NCDHW logits at input resolution.
 *
 * <p>The plain DJL {@link Block#forward} returns {@code [logits, deep-supervision logits…]} and
 * reads the norm set from the forward parameter {@code normSet}; {@link #forward(ParameterStore,
 * NDArray, boolean, int, Set)} is the richer entry point with named feature taps.
 */
public interface SegmentationNetwork extends Block {

  /** The architecture, for model cards and rebuilding. */
  NetworkSpec spec();

  /** Input channel count. */
  default int inChannels() {
    return spec().inChannels();
  }

  /** Output channel count (classes including background). */
  default int outChannels() {
    return spec().outChannels();
  }

  /** Spatial sizes of the input must be multiples of this. */
  default int sizeMultiple() {
    return 1 << (spec().depth() - 1);
  }

  /**
   * Forward pass with feature taps.
   *
   * @param ps parameter store
   * @param input (N, inChannels, D, H, W), D/H/W multiples of {@link #sizeMultiple()}
   * @param training training mode (for the gradient tape)
   * @param normSet instance-norm parameter set (modality index)
   * @param taps names from {@link #featureTaps()} to return (may be empty)
   * @return logits, deep-supervision logits and the requested features
   */
  NetworkOutput forward(
      ParameterStore ps, NDArray input, boolean training, int normSet, Set<String> taps);

  /** Every feature map that can be tapped, shallow encoder first. */
  List<FeatureTap> featureTaps();

  /**
   * Analytic FLOPs per input voxel (counting rule in {@link
   * io.distillery.segml.networks.blocks.SegBlock}).
   */
  double flopsPerVoxel();

  /** Number of scalar parameters (counted from the built parameter shapes). */
  default long parameterCount() {
    return getParameters().values().stream().mapToLong(p -> p.getShape().size()).sum();
  }

  /**
   * Writes the network into {@code graph} for norm set {@code normSet}; returns the logits value.
   * Deep-supervision heads are not exported (inference uses the main logits only).
   */
  String emitOnnx(OnnxGraph graph, String input, int normSet);
}
