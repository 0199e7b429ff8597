package io.distillery.segml.engine;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.distillery.segml.export.OnnxExporter;
import io.distillery.segml.networks.LiteUNet3d;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Without a GPU, TensorRT must fail over to ONNX Runtime, and a missing ONNX file to PyTorch. */
class EngineSelectorTest {

  private static NDManager manager;
  private static LiteUNet3d net;

  @TempDir Path dir;

  @BeforeAll
  static void engine() {
    EngineThreads.configure(2);
    manager = NDManager.newBaseManager("PyTorch");
    net = LiteUNet3d.builder().setOutChannels(2).optBaseWidth(4).optDepth(3).build();
    net.initialize(manager, DataType.FLOAT32, new Shape(1, 1, 16, 16, 16));
  }

  @AfterAll
  static void close() {
    manager.close();
  }

  @Test
  void fallsBackFromTensorRtToOnnxRuntimeAndReportsIt() {
    int[] roi = {16, 16, 16};
    Path onnx = OnnxExporter.export(net, 0, dir.resolve("net.onnx"));
    Path fixed = OnnxExporter.exportFixedShape(net, 0, 1, roi, dir.resolve("net-16.onnx"));
    EngineSelector.Selection selection =
        EngineSelector.select(new EngineSelector.Models(onnx, fixed, 1, roi, net, 0, 2));
    try (var predictor = selection.predictor()) {
      assertThat(selection.engine()).isEqualTo(InferenceEngine.ONNX_RUNTIME);
      assertThat(selection.failures()).containsOnlyKeys(InferenceEngine.TENSORRT);
      System.out.println("TensorRT skipped because: " + selection.failures());
      float[] logits = predictor.predict(new float[16 * 16 * 16], 1, roi);
      assertThat(logits).hasSize(2 * 16 * 16 * 16);
    }
  }

  @Test
  void fallsBackToPyTorchWhenNoOnnxModelCanBeLoaded() {
    int[] roi = {16, 16, 16};
    Path missing = dir.resolve("missing.onnx");
    EngineSelector.Selection selection =
        EngineSelector.select(new EngineSelector.Models(missing, missing, 1, roi, net, 0, 2));
    try (var predictor = selection.predictor()) {
      assertThat(selection.engine()).isEqualTo(InferenceEngine.PYTORCH);
      assertThat(selection.failures())
          .containsOnlyKeys(InferenceEngine.TENSORRT, InferenceEngine.ONNX_RUNTIME);
      assertThat(selection.failures().get(InferenceEngine.ONNX_RUNTIME)).contains("no ONNX model");
      assertThat(predictor.predict(new float[2 * 16 * 16 * 16], 2, roi))
          .hasSize(2 * 2 * 16 * 16 * 16);
    }
  }
}
