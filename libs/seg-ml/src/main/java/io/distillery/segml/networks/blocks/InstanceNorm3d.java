package io.distillery.segml.networks.blocks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.distillery.segml.export.OnnxGraph;
import io.distillery.segml.ops.ScalarOps;

/**
 * Instance normalisation (Ulyanov et al. 2016) of NCDHW input: each (sample, channel) is normalised
 * over its D·H·W voxels with the biased variance, then scaled and shifted per channel.
 *
 * <p>It holds {@code normSets} independent affine parameter sets, laid out (sets, C). The set is
 * chosen at forward time through the forward parameter {@link #NORM_SET_KEY} (an {@link Integer},
 * default 0): this is how one network shares every convolution between CT and MR and keeps
 * modality-specific normalisation (Dou et al., IEEE TMI 2020). Instance statistics are computed per
 * input, so no running statistics exist.
 */
public final class InstanceNorm3d extends AbstractSegBlock {

  /** Forward parameter key selecting the normalisation set (modality index). */
  public static final String NORM_SET_KEY = "normSet";

  private static final float EPSILON = 1e-5f;

  private final int channels;
  private final int normSets;
  private final Parameter gamma;
  private final Parameter beta;

  /**
   * @param channels channel count C
   * @param normSets number of affine parameter sets (1 for a single modality)
   */
  public InstanceNorm3d(int channels, int normSets) {
    if (channels < 1 || normSets < 1) {
      throw new IllegalArgumentException(
          "channels and normSets must be positive: " + channels + ", " + normSets);
    }
    this.channels = channels;
    this.normSets = normSets;
    gamma =
        addParameter(
            Parameter.builder()
                .setName("gamma")
                .setType(Parameter.Type.GAMMA)
                .optShape(new Shape(normSets, channels))
                .build());
    beta =
        addParameter(
            Parameter.builder()
                .setName("beta")
                .setType(Parameter.Type.BETA)
                .optShape(new Shape(normSets, channels))
                .build());
  }

  /** Reads the norm set from forward parameters, validating it against {@code normSets}. */
  public static int normSetOf(PairList<String, Object> params, int normSets) {
    int set = 0;
    if (params != null && params.contains(NORM_SET_KEY)) {
      set = ((Number) params.get(NORM_SET_KEY)).intValue();
    }
    if (set < 0 || set >= normSets) {
      throw new IllegalArgumentException(
          "norm set " + set + " out of range: the network has " + normSets + " set(s)");
    }
    return set;
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.singletonOrThrow();
    int set = normSetOf(params, normSets);
    Shape shape = x.getShape();
    long n = shape.get(0);
    // This engine's mean takes a single axis: flatten the spatial axes first.
    NDArray flat = x.reshape(n, channels, -1);
    NDArray mean = flat.mean(new int[] {2}, true);
    NDArray centred = flat.sub(mean);
    mean.close();
    NDArray squared = centred.square();
    NDArray variance = squared.mean(new int[] {2}, true);
    squared.close();
    NDArray invStd = ScalarOps.pow(ScalarOps.add(variance, EPSILON), -0.5f);
    variance.close();
    NDArray normalised = centred.mul(invStd);
    centred.close();
    invStd.close();
    NDArray g = ps.getValue(gamma, x.getDevice(), training).get(set).reshape(1, channels, 1);
    NDArray b = ps.getValue(beta, x.getDevice(), training).get(set).reshape(1, channels, 1);
    NDArray scaled = normalised.mul(g);
    normalised.close();
    NDArray shifted = scaled.add(b);
    scaled.close();
    NDArray out = shifted.reshape(shape);
    shifted.close();
    return new NDList(out);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {inputShapes[0]};
  }

  @Override
  public String emitOnnx(OnnxGraph graph, String input, int normSet) {
    String scale = graph.initializer("in_scale", gamma.getArray().get(normSet));
    String shift = graph.initializer("in_bias", beta.getArray().get(normSet));
    return graph
        .node("InstanceNormalization", input, scale, shift)
        .floating("epsilon", EPSILON)
        .output();
  }

  @Override
  public double flopsPerOutputVoxel() {
    return 0;
  }

  /** Number of parameter sets. */
  public int normSets() {
    return normSets;
  }
}
