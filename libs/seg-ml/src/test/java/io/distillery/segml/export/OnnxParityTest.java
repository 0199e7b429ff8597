package io.distillery.segml.export;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.distillery.segml.engine.DjlWindowPredictor;
import io.distillery.segml.engine.EngineThreads;
import io.distillery.segml.engine.OnnxModelWindowPredictor;
import io.distillery.segml.networks.LiteUNet3d;
import io.distillery.segml.networks.SegmentationNetwork;
import io.distillery.segml.networks.UNet3d;
import io.distillery.segml.networks.UpsamplingMode;
import java.nio.file.Path;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** DJL PyTorch vs ONNX Runtime on the exported graph, for every network variant. */
class OnnxParityTest {

  private static NDManager manager;

  @TempDir Path dir;

  @BeforeAll
  static void engine() {
    EngineThreads.configure(2);
    manager = NDManager.newBaseManager("PyTorch");
  }

  @AfterAll
  static void close() {
    manager.close();
  }

  static Stream<Arguments> variants() {
    return Stream.of(
        Arguments.of("default teacher", UNet3d.builder().setOutChannels(3).build(), 0),
        Arguments.of(
            "residual SE trilinear teacher, MR norm set",
            UNet3d.builder()
                .setOutChannels(3)
                .optBaseWidth(8)
                .optResidual(true, true)
                .optUpsampling(UpsamplingMode.TRILINEAR)
                .optNormSets(2)
                .optDeepSupervision(true)
                .build(),
            1),
        Arguments.of("default student", LiteUNet3d.builder().setOutChannels(3).build(), 0),
        Arguments.of(
            "residual student with transposed up",
            LiteUNet3d.builder()
                .setOutChannels(2)
                .optBaseWidth(8)
                .optDepth(3)
                .optResidual(true, false)
                .optUpsampling(UpsamplingMode.TRANSPOSED_CONV)
                .build(),
            0));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("variants")
  void onnxRuntimeAgreesWithDjl(String name, SegmentationNetwork net, int normSet) {
    int[] roi = {32, 24, 16};
    int batch = 2;
    net.initialize(manager, DataType.FLOAT32, new Shape(batch, 1, roi[0], roi[1], roi[2]));
    // Perturb the norm affine parameters so that the exported set matters.
    Random random = new Random(7);
    net.getParameters().values().stream()
        .filter(p -> p.getName().equals("gamma") || p.getName().equals("beta"))
        .forEach(
            p -> {
              float[] values = p.getArray().toFloatArray();
              for (int i = 0; i < values.length; i++) {
                values[i] += 0.2f * (float) random.nextGaussian();
              }
              p.getArray().set(values);
            });
    Path onnx = OnnxExporter.export(net, normSet, dir.resolve("net.onnx"));
    float[] input = new float[batch * roi[0] * roi[1] * roi[2]];
    for (int i = 0; i < input.length; i++) {
      input[i] = (float) random.nextGaussian();
    }
    float[] djl;
    try (DjlWindowPredictor predictor = new DjlWindowPredictor(net, normSet)) {
      djl = predictor.predict(input, batch, roi);
    }
    float[] ort;
    try (OnnxModelWindowPredictor predictor =
        OnnxModelWindowPredictor.onnxRuntime(onnx, 1, net.outChannels(), 2)) {
      ort = predictor.predict(input, batch, roi);
    }
    assertThat(ort).hasSameSizeAs(djl);
    int classes = net.outChannels();
    int voxels = roi[0] * roi[1] * roi[2];
    double maxAbs = 0;
    double maxLogit = 0;
    long agree = 0;
    for (int b = 0; b < batch; b++) {
      for (int v = 0; v < voxels; v++) {
        int bestDjl = 0;
        int bestOrt = 0;
        for (int c = 0; c < classes; c++) {
          int i = (b * classes + c) * voxels + v;
          maxAbs = Math.max(maxAbs, Math.abs(djl[i] - ort[i]));
          maxLogit = Math.max(maxLogit, Math.abs(djl[i]));
          if (djl[i] > djl[(b * classes + bestDjl) * voxels + v]) {
            bestDjl = c;
          }
          if (ort[i] > ort[(b * classes + bestOrt) * voxels + v]) {
            bestOrt = c;
          }
        }
        agree += bestDjl == bestOrt ? 1 : 0;
      }
    }
    double agreement = agree / (double) (batch * voxels);
    System.out.printf(
        "ONNX parity [%s]: argmax agreement %.6f, max |DJL - ORT| %.3e (max |logit| %.3f)%n",
        name, agreement, maxAbs, maxLogit);
    assertThat(agreement).isGreaterThanOrEqualTo(0.9999);
    assertThat(maxAbs).isLessThan(1e-3 * Math.max(1, maxLogit));
  }
}
