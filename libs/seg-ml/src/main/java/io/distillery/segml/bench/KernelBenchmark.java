package io.distillery.segml.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import io.distillery.segml.engine.EngineThreads;
import io.distillery.segml.networks.blocks.ConvLayer3d;
import io.distillery.segml.networks.blocks.InstanceNorm3d;
import io.distillery.segml.networks.blocks.TrilinearUpsample3d;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Layer-level timing on DJL PyTorch (CPU): forward and forward + backward of the building blocks of
 * the student and the teacher on one (N, C, D, H, W) input, to find which kernel makes the
 * depthwise-separable student slow to train. Prints the time per call and the time per GFLOP.
 * Options: {@code --threads N} (default 2), {@code --size S} (default 64), {@code --channels C}
 * (default 16), {@code --batch N} (default 2), {@code --reps N} (default 3).
 */
public final class KernelBenchmark {

  private KernelBenchmark() {}

  /** Entry point, see the class comment. */
  public static void main(String[] args) {
    Map<String, String> o = new LinkedHashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      o.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    }
    int threads = Integer.parseInt(o.getOrDefault("threads", "2"));
    int size = Integer.parseInt(o.getOrDefault("size", "64"));
    int c = Integer.parseInt(o.getOrDefault("channels", "16"));
    int batch = Integer.parseInt(o.getOrDefault("batch", "2"));
    int reps = Integer.parseInt(o.getOrDefault("reps", "3"));
    EngineThreads.configure(threads);
    Map<String, Supplier<Block>> blocks = new LinkedHashMap<>();
    blocks.put("dense 3^3 C->C", () -> new ConvLayer3d(c, c, 3, 1, 1, false));
    blocks.put("depthwise 3^3 (groups C)", () -> new ConvLayer3d(c, c, 3, 1, c, false));
    blocks.put("grouped 3^3 (groups C/2)", () -> new ConvLayer3d(c, c, 3, 1, c / 2, false));
    blocks.put("grouped 3^3 (groups C/4)", () -> new ConvLayer3d(c, c, 3, 1, c / 4, false));
    blocks.put(
        "grouped 3^3 (groups C/8)", () -> new ConvLayer3d(c, c, 3, 1, Math.max(1, c / 8), false));
    blocks.put("pointwise 1^3 C->C", () -> new ConvLayer3d(c, c, 1, 1, 1, false));
    blocks.put("instance norm", () -> new InstanceNorm3d(c, 1));
    blocks.put("trilinear x2 (from half size)", TrilinearUpsample3d::new);
    System.out.printf(
        Locale.ROOT,
        "layer timing, DJL PyTorch CPU, %d threads, input (%d, %d, %d^3), mean of %d after 1 warm-up%n",
        threads,
        batch,
        c,
        size,
        reps);
    System.out.printf(
        Locale.ROOT,
        "%-32s %10s %10s %14s %14s%n",
        "",
        "fwd (ms)",
        "fwd+bwd (ms)",
        "GFLOP fwd",
        "fwd+bwd ms/GFLOP");
    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      for (Map.Entry<String, Supplier<Block>> e : blocks.entrySet()) {
        Block block = e.getValue().get();
        boolean up = block instanceof TrilinearUpsample3d;
        int s = up ? size / 2 : size;
        Shape shape = new Shape(batch, c, s, s, s);
        block.initialize(manager, DataType.FLOAT32, shape);
        for (Parameter p : block.getParameters().values()) {
          p.getArray().setRequiresGradient(true);
        }
        double fwd = time(reps, () -> run(manager, block, shape, false));
        double both = time(reps, () -> run(manager, block, shape, true));
        double gflop =
            block instanceof ConvLayer3d conv
                ? conv.flopsPerOutputVoxel() * batch * Math.pow(size, 3) / 1e9
                : Double.NaN;
        System.out.printf(
            Locale.ROOT,
            "%-32s %10.1f %10.1f %14.3f %14.1f%n",
            e.getKey(),
            fwd,
            both,
            gflop,
            both / gflop);
      }
    }
  }

  private static void run(NDManager manager, Block block, Shape shape, boolean backward) {
    try (NDManager step = manager.newSubManager()) {
      NDArray x = step.randomNormal(shape);
      x.setRequiresGradient(backward);
      ParameterStore ps = new ParameterStore(step, false);
      if (!backward) {
        block.forward(ps, new NDList(x), false).singletonOrThrow().sum().getFloat();
        return;
      }
      try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
        NDArray y = block.forward(ps, new NDList(x), true).singletonOrThrow();
        gc.backward(y.square().mean());
      }
      x.getGradient().sum().getFloat();
    }
  }

  private static double time(int reps, Runnable action) {
    action.run();
    long start = System.nanoTime();
    for (int i = 0; i < reps; i++) {
      action.run();
    }
    return (System.nanoTime() - start) / 1e6 / reps;
  }
}
