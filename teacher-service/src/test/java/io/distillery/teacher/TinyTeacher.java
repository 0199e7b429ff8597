package io.distillery.teacher;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.distillery.segml.checkpoint.IntensityNormalization;
import io.distillery.segml.engine.EngineThreads;
import io.distillery.segml.export.OnnxExporter;
import io.distillery.segml.networks.UNet3d;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A tiny binary UNet3d teacher with seeded random weights, exported to ONNX with seg-ml's exporter:
 * the stand-in for an external (e.g. nnU-Net) ONNX model in tests.
 */
final class TinyTeacher {

  /** CT window −125..275 HU, centred and scaled to about [−1, 1]. */
  static final IntensityNormalization CT_WINDOW =
      new IntensityNormalization("ct-window", -125, 275, 75, 200);

  private TinyTeacher() {}

  /** ONNX bytes of a 2-class, base-width-4, depth-2 UNet3d whose weights come from {@code seed}. */
  static byte[] onnx(int seed) throws IOException {
    return onnx(seed, List.of());
  }

  /**
   * Like {@link #onnx(int)}, with the seg-ml feature taps {@code taps} as extra outputs {@code
   * feature.<tap>} ({@code decoder.0} is the full-resolution last decoder stage at depth 2).
   */
  static byte[] onnx(int seed, List<String> taps) throws IOException {
    EngineThreads.configure(2);
    Engine.getEngine("PyTorch").setRandomSeed(seed);
    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      UNet3d net = UNet3d.builder().setOutChannels(2).optBaseWidth(8).optDepth(2).build();
      net.initialize(manager, DataType.FLOAT32, new Shape(1, 1, 16, 16, 16));
      Path file = Files.createTempFile("tiny-teacher-", ".onnx");
      try {
        OnnxExporter.export(net, 0, taps, file);
        return Files.readAllBytes(file);
      } finally {
        Files.deleteIfExists(file);
      }
    }
  }

  /** A manifest for the tiny teacher on {@code datasets}, at {@code spacing} mm isotropic. */
  static TeacherManifest manifest(
      String teacherId, String version, List<String> datasets, double spacing, double temperature) {
    return new TeacherManifest(
        TeacherManifest.SCHEMA_VERSION,
        teacherId,
        version,
        "onnx",
        Map.of("onnx", "model.onnx"),
        "CT",
        datasets,
        List.of(spacing, spacing, spacing),
        CT_WINDOW,
        List.of(32, 32, 16),
        0.25,
        List.of("background", "liver"),
        null,
        null,
        temperature);
  }
}
