package io.distillery.tools.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.distillery.segml.checkpoint.Checkpoint;
import io.distillery.segml.checkpoint.IntensityNormalization;
import io.distillery.segml.checkpoint.ModelCard;
import io.distillery.segml.checkpoint.PreprocessingSpec;
import io.distillery.segml.export.OnnxExporter;
import io.distillery.segml.networks.LiteUNet3d;
import io.distillery.segml.networks.SegmentationNetwork;
import io.distillery.segml.networks.UNet3d;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The default models of {@code bench} when none are given: the project's default student ({@link
 * LiteUNet3d}, five classes) and four default teachers ({@link UNet3d}, one binary organ each),
 * with seeded random weights, written as the student-trainer publishes models (card, params, ONNX)
 * with the trainer's default preprocessing (RAS, 3 mm, 64³ windows, overlap 0.5, CT window
 * −125..275). Inference time does not depend on the weights' values, only on the architecture and
 * the window grid.
 */
final class BenchModels {

  static final List<String> ORGANS = List.of("liver", "spleen", "kidney", "pancreas");
  private static final int[] ROI = {64, 64, 64};
  private static final double SPACING_MM = 3.0;

  private BenchModels() {}

  /** Writes the default student into {@code dir}; returns {@code dir}. */
  static Path student(Path dir, long seed) {
    List<String> classes =
        List.of("background", ORGANS.get(0), ORGANS.get(1), ORGANS.get(2), ORGANS.get(3));
    return write(
        LiteUNet3d.builder().setOutChannels(classes.size()).build(),
        "bench-student",
        classes,
        dir,
        seed);
  }

  /** Writes the default teacher of {@code organ} into {@code dir}; returns {@code dir}. */
  static Path teacher(String organ, Path dir, long seed) {
    return write(
        UNet3d.builder().setOutChannels(2).build(),
        "bench-teacher-" + organ,
        List.of("background", organ),
        dir,
        seed);
  }

  private static Path write(
      SegmentationNetwork net, String name, List<String> classes, Path dir, long seed) {
    Engine.getEngine("PyTorch").setRandomSeed((int) seed);
    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      int m = net.sizeMultiple();
      net.initialize(manager, DataType.FLOAT32, new Shape(1, 1, m, m, m));
      ModelCard card =
          new ModelCard(
              ModelCard.SCHEMA_VERSION,
              name,
              net.spec(),
              Map.of("weights", "random, seed " + seed),
              new PreprocessingSpec(
                  "RAS",
                  new double[] {SPACING_MM, SPACING_MM, SPACING_MM},
                  new IntensityNormalization("ct-window", -125, 275, 75, 200),
                  ROI,
                  "sliding-window",
                  0.5),
              classes,
              List.of("CT"),
              Map.of(),
              null);
      Checkpoint.save(net, card, dir);
      OnnxExporter.export(net, 0, dir.resolve("model.onnx"));
    }
    return dir;
  }
}
