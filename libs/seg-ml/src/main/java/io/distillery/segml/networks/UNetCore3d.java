package io.distillery.segml.networks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.distillery.segml.export.OnnxGraph;
import io.distillery.segml.networks.blocks.ConvLayer3d;
import io.distillery.segml.networks.blocks.ConvNormAct3d;
import io.distillery.segml.networks.blocks.InstanceNorm3d;
import io.distillery.segml.networks.blocks.InterpolatingUp3d;
import io.distillery.segml.networks.blocks.ResidualBlock3d;
import io.distillery.segml.networks.blocks.SegBlock;
import io.distillery.segml.networks.blocks.TransposedConvUp3d;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The U-Net topology shared by {@link UNet3d} and {@link LiteUNet3d}. Level i has width base·2^i.
 * Encoder stage 0 keeps resolution, stage i &gt; 0 starts with a stride-2 convolution (no pooling).
 * Decoder stage j (level depth−2−j) up-samples, concatenates the encoder skip of its level and runs
 * a stage 2w → w. A 1³ head maps the last stage to the classes.
 *
 * <p>A stage is two conv-norm-act units, or one {@link ResidualBlock3d} (optionally with SE); its
 * convolutions are dense, or depthwise-separable for the student. With {@link
 * NetworkSpec#denseStem()} a separable plain network's first convolution is dense.
 *
 * <p>Native memory: the forward runs in an {@link NDScope} and closes each consumed skip and
 * intermediate tensor as soon as it is used (the autograd graph keeps what backward needs), so
 * inference holds only the live skips.
 */
abstract class UNetCore3d extends AbstractBlock implements SegmentationNetwork {

  private final NetworkSpec spec;
  private final int[] widths;
  private final List<SegBlock> encoders = new ArrayList<>();
  private final List<SegBlock> ups = new ArrayList<>();
  private final List<SegBlock> decoders = new ArrayList<>();
  private final List<ConvLayer3d> deepHeads = new ArrayList<>();
  private final ConvLayer3d head;

  UNetCore3d(NetworkSpec spec, boolean separable) {
    this.spec = spec;
    int depth = spec.depth();
    widths = new int[depth];
    for (int i = 0; i < depth; i++) {
      widths[i] = spec.baseWidth() << i;
    }
    for (int i = 0; i < depth; i++) {
      int in = i == 0 ? spec.inChannels() : widths[i - 1];
      SegBlock stage =
          i == 0 && separable && spec.denseStem() && !spec.residual()
              ? new TwoUnitStage(
                  new ConvNormAct3d(in, widths[0], 1, false, spec.normSets(), spec.activation()),
                  new ConvNormAct3d(
                      widths[0], widths[0], 1, true, spec.normSets(), spec.activation()))
              : stage(in, widths[i], i == 0 ? 1 : 2, separable);
      encoders.add(addChildBlock("encoder" + i, stage));
    }
    for (int j = 0; j < depth - 1; j++) {
      int level = depth - 2 - j;
      int coarse = widths[level + 1];
      int fine = widths[level];
      ups.add(
          addChildBlock(
              "up" + j,
              spec.upsampling() == UpsamplingMode.TRANSPOSED_CONV
                  ? new TransposedConvUp3d(coarse, fine)
                  : new InterpolatingUp3d(coarse, fine)));
      decoders.add(addChildBlock("decoder" + j, stage(2 * fine, fine, 1, separable)));
      if (spec.deepSupervision() && j < depth - 2) {
        deepHeads.add(
            addChildBlock(
                "deepHead" + j, new ConvLayer3d(fine, spec.outChannels(), 1, 1, 1, true)));
      }
    }
    head = addChildBlock("head", new ConvLayer3d(widths[0], spec.outChannels(), 1, 1, 1, true));
  }

  private SegBlock stage(int in, int out, int stride, boolean separable) {
    if (spec.residual()) {
      return new ResidualBlock3d(
          in, out, stride, separable, spec.squeezeExcitation(), spec.normSets(), spec.activation());
    }
    return new TwoUnitStage(
        new ConvNormAct3d(in, out, stride, separable, spec.normSets(), spec.activation()),
        new ConvNormAct3d(out, out, 1, separable, spec.normSets(), spec.activation()));
  }

  @Override
  public NetworkSpec spec() {
    return spec;
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    // Parameter shapes are fixed by the spec; children only record the input shape.
    for (Block child : children.values()) {
      child.initialize(manager, dataType, inputShapes);
    }
  }

  @Override
  public NetworkOutput forward(
      ParameterStore ps, NDArray input, boolean training, int normSet, Set<String> taps) {
    checkInput(input.getShape());
    for (String tap : taps) {
      if (featureTaps().stream().noneMatch(t -> t.name().equals(tap))) {
        throw new IllegalArgumentException(
            "unknown feature tap '" + tap + "'; available: " + featureTaps());
      }
    }
    PairList<String, Object> params = new PairList<>();
    params.add(InstanceNorm3d.NORM_SET_KEY, normSet);
    InstanceNorm3d.normSetOf(params, spec.normSets());
    Map<String, NDArray> features = new LinkedHashMap<>();
    List<NDArray> deep = new ArrayList<>();
    NDArray logits;
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      int depth = spec.depth();
      NDArray[] skips = new NDArray[depth];
      NDArray x = input;
      for (int i = 0; i < depth; i++) {
        x = run(encoders.get(i), ps, x, training, params);
        skips[i] = x;
        tap(taps, features, "encoder." + i, x);
      }
      for (int j = 0; j < depth - 1; j++) {
        int level = depth - 2 - j;
        NDArray up = run(ups.get(j), ps, x, training, params);
        release(x, features);
        NDArray joined = NDArrays.concat(new NDList(up, skips[level]), 1);
        up.close();
        release(skips[level], features);
        x = run(decoders.get(j), ps, joined, training, params);
        joined.close();
        tap(taps, features, "decoder." + j, x);
        if (j < deepHeads.size()) {
          deep.add(run(deepHeads.get(j), ps, x, training, params));
        }
      }
      logits = run(head, ps, x, training, params);
      release(x, features);
      NDScope.unregister(logits);
      deep.forEach(NDScope::unregister);
      features.values().forEach(NDScope::unregister);
    }
    return new NetworkOutput(
        logits, Collections.unmodifiableList(deep), Collections.unmodifiableMap(features));
  }

  private static void tap(Set<String> taps, Map<String, NDArray> features, String name, NDArray x) {
    if (taps.contains(name)) {
      features.put(name, x);
    }
  }

  /** Closes a consumed intermediate unless the caller asked for it as a feature. */
  private static void release(NDArray x, Map<String, NDArray> features) {
    if (!features.containsValue(x)) {
      x.close();
    }
  }

  private static NDArray run(
      Block block,
      ParameterStore ps,
      NDArray input,
      boolean training,
      PairList<String, Object> params) {
    return block.forward(ps, new NDList(input), training, params).singletonOrThrow();
  }

  private void checkInput(Shape shape) {
    if (shape.dimension() != 5 || shape.get(1) != spec.inChannels()) {
      throw new IllegalArgumentException(
          "expected input (N, " + spec.inChannels() + ", D, H, W), got " + shape);
    }
    for (int axis = 2; axis < 5; axis++) {
      if (shape.get(axis) % sizeMultiple() != 0) {
        throw new IllegalArgumentException(
            "spatial sizes must be multiples of " + sizeMultiple() + ", got " + shape);
      }
    }
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    int normSet = InstanceNorm3d.normSetOf(params, spec.normSets());
    NetworkOutput out = forward(ps, inputs.singletonOrThrow(), training, normSet, Set.of());
    NDList result = new NDList(out.logits());
    result.addAll(out.deepSupervision());
    return result;
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape s = inputShapes[0];
    Shape[] out = new Shape[1 + deepHeads.size()];
    out[0] = new Shape(s.get(0), spec.outChannels(), s.get(2), s.get(3), s.get(4));
    for (int j = 0; j < deepHeads.size(); j++) {
      long f = 1L << (spec.depth() - 1 - j);
      out[1 + j] =
          new Shape(s.get(0), spec.outChannels(), s.get(2) / f, s.get(3) / f, s.get(4) / f);
    }
    return out;
  }

  @Override
  public List<FeatureTap> featureTaps() {
    List<FeatureTap> taps = new ArrayList<>();
    for (int i = 0; i < spec.depth(); i++) {
      taps.add(new FeatureTap("encoder." + i, widths[i], 1 << i));
    }
    for (int j = 0; j < spec.depth() - 1; j++) {
      int level = spec.depth() - 2 - j;
      taps.add(new FeatureTap("decoder." + j, widths[level], 1 << level));
    }
    return taps;
  }

  /**
   * Sums each block's FLOPs per output voxel times its output voxels per input voxel (1/8 per
   * level). Deep-supervision heads count when present.
   */
  @Override
  public double flopsPerVoxel() {
    double total = 0;
    for (int i = 0; i < spec.depth(); i++) {
      total += encoders.get(i).flopsPerOutputVoxel() / Math.pow(8, i);
    }
    for (int j = 0; j < spec.depth() - 1; j++) {
      double scale = Math.pow(8, spec.depth() - 2 - j);
      total += (ups.get(j).flopsPerOutputVoxel() + decoders.get(j).flopsPerOutputVoxel()) / scale;
      if (j < deepHeads.size()) {
        total += deepHeads.get(j).flopsPerOutputVoxel() / scale;
      }
    }
    return total + head.flopsPerOutputVoxel();
  }

  @Override
  public String emitOnnx(OnnxGraph graph, String input, int normSet) {
    if (normSet < 0 || normSet >= spec.normSets()) {
      throw new IllegalArgumentException(
          "norm set " + normSet + " out of range: the network has " + spec.normSets());
    }
    int depth = spec.depth();
    String[] skips = new String[depth];
    String x = input;
    for (int i = 0; i < depth; i++) {
      x = encoders.get(i).emitOnnx(graph, x, normSet);
      skips[i] = x;
      graph.tap("encoder." + i, x);
    }
    for (int j = 0; j < depth - 1; j++) {
      String up = ups.get(j).emitOnnx(graph, x, normSet);
      String joined = graph.node("Concat", up, skips[depth - 2 - j]).integer("axis", 1).output();
      x = decoders.get(j).emitOnnx(graph, joined, normSet);
      graph.tap("decoder." + j, x);
    }
    return head.emitOnnx(graph, x, normSet);
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + spec;
  }
}
