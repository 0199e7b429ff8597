package io.distillery.trainer.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import ai.djl.util.PairList;
import io.distillery.segml.networks.NetworkSpec;
import io.distillery.segml.networks.SegmentationNetwork;

/**
 * unpaired-ct-mr with {@code sharedNorms} (the "everything shared" arm of Dou et al., TMI 2020,
 * methods.md §3): the network trains with a single instance-norm set that CT and MR batches both
 * use, so kernels and norms are shared. For publication it becomes a network with one norm set per
 * modality whose sets are copies of the trained one [our choice]: every consumer of an unpaired
 * model (the per-modality ONNX files {@code model-CT.onnx} / {@code model-MR.onnx}, the norm set
 * the inference pipeline picks by modality, DJL PyTorch and TensorRT fall-backs) then works
 * unchanged and gives both modalities the same result.
 */
public final class SharedNorms {
  private SharedNorms() {}

  /**
   * A copy of {@code shared} (one norm set) with {@code sets} identical norm sets, in {@code
   * manager}: every kernel is copied, every norm parameter ({@code (1, C)}) repeated to {@code
   * (sets, C)}.
   *
   * @throws IllegalArgumentException when {@code shared} has more than one norm set
   */
  public static SegmentationNetwork perModality(
      SegmentationNetwork shared, int sets, NDManager manager) {
    NetworkSpec s = shared.spec();
    if (s.normSets() != 1) {
      throw new IllegalArgumentException(
          "a shared-norm network has one norm set, this one has " + s.normSets());
    }
    NetworkSpec spec =
        new NetworkSpec(
            s.type(),
            s.inChannels(),
            s.outChannels(),
            s.baseWidth(),
            s.depth(),
            s.upsampling(),
            s.residual(),
            s.squeezeExcitation(),
            sets,
            s.deepSupervision(),
            s.activation(),
            s.denseStem());
    SegmentationNetwork out = spec.build();
    int m = out.sizeMultiple();
    out.initialize(manager, DataType.FLOAT32, new Shape(1, s.inChannels(), m, m, m));
    PairList<String, Parameter> from = shared.getParameters();
    PairList<String, Parameter> to = out.getParameters();
    if (from.size() != to.size()) {
      throw new IllegalStateException(
          "parameter lists differ: " + from.size() + " vs " + to.size());
    }
    for (int i = 0; i < from.size(); i++) {
      Pair<String, Parameter> f = from.get(i);
      Pair<String, Parameter> t = to.get(i);
      if (!f.getKey().equals(t.getKey())) {
        throw new IllegalStateException(
            "parameter " + i + " is " + f.getKey() + " here and " + t.getKey() + " there");
      }
      NDArray source = f.getValue().getArray();
      NDArray target = t.getValue().getArray();
      if (source.getShape().equals(target.getShape())) {
        source.copyTo(target);
      } else {
        // An instance-norm gamma or beta: (1, C) → (sets, C).
        try (NDArray repeated = source.repeat(0, sets)) {
          repeated.copyTo(target);
        }
      }
    }
    return out;
  }
}
