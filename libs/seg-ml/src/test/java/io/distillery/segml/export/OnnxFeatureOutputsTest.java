package io.distillery.segml.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.training.ParameterStore;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import io.distillery.segml.engine.EngineThreads;
import io.distillery.segml.networks.NetworkOutput;
import io.distillery.segml.networks.UNet3d;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Feature outputs of the ONNX export: named {@code feature.<tap>} after {@code logits}, with the
 * tap's channels and stride, and equal (within float tolerance) to the DJL forward's tapped maps
 * when run by ONNX Runtime.
 */
class OnnxFeatureOutputsTest {

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

  private static UNet3d tiny() {
    UNet3d net = UNet3d.builder().setOutChannels(2).optBaseWidth(4).optDepth(3).build();
    net.initialize(manager, DataType.FLOAT32, new Shape(1, 1, 16, 16, 16));
    return net;
  }

  @Test
  void requestedTapsBecomeNamedOutputsWithTheirChannelsAndStride() {
    UNet3d net = tiny();
    ModelProto model = OnnxExporter.toModel(net, 0, List.of("decoder.1", "encoder.1"));
    List<ValueInfoProto> outputs = model.getGraph().getOutputList();
    assertThat(outputs)
        .extracting(ValueInfoProto::getName)
        .containsExactly("logits", "feature.decoder.1", "feature.encoder.1");
    var decoder = outputs.get(1).getType().getTensorType().getShape();
    assertThat(decoder.getDim(1).getDimValue()).isEqualTo(4);
    assertThat(decoder.getDim(2).getDimParam()).isEqualTo("D");
    var encoder = outputs.get(2).getType().getTensorType().getShape();
    assertThat(encoder.getDim(1).getDimValue()).isEqualTo(8);
    assertThat(encoder.getDim(2).getDimParam()).isEqualTo("D/2");
    // Without taps, the model is the plain logits export.
    assertThat(OnnxExporter.toModel(net, 0).getGraph().getOutputCount()).isEqualTo(1);
  }

  @Test
  void anUnknownTapIsRefused() {
    assertThatThrownBy(() -> OnnxExporter.toModel(tiny(), 0, List.of("decoder.7")))
        .isInstanceOf(OnnxExportException.class)
        .hasMessageContaining("unknown feature tap 'decoder.7'");
  }

  @Test
  void onnxRuntimeFeatureOutputsMatchTheDjlTaps() throws Exception {
    UNet3d net = tiny();
    Path onnx =
        OnnxExporter.export(net, 0, List.of("decoder.1", "encoder.1"), dir.resolve("f.onnx"));
    int[] roi = {16, 16, 8};
    float[] input = new float[roi[0] * roi[1] * roi[2]];
    Random random = new Random(3);
    for (int i = 0; i < input.length; i++) {
      input[i] = (float) random.nextGaussian();
    }
    Shape shape = new Shape(1, 1, roi[0], roi[1], roi[2]);
    float[] djlDecoder;
    float[] djlEncoder;
    try (NDManager sub = manager.newSubManager()) {
      NetworkOutput out =
          net.forward(
              new ParameterStore(sub, false),
              sub.create(input, shape),
              false,
              0,
              Set.of("decoder.1", "encoder.1"));
      djlDecoder = out.feature("decoder.1").toFloatArray();
      djlEncoder = out.feature("encoder.1").toFloatArray();
    }
    Criteria<NDList, NDList> criteria =
        Criteria.builder()
            .setTypes(NDList.class, NDList.class)
            .optModelPath(onnx)
            .optEngine("OnnxRuntime")
            .build();
    try (ZooModel<NDList, NDList> model = criteria.loadModel();
        Predictor<NDList, NDList> predictor = model.newPredictor();
        NDManager sub = NDManager.newBaseManager("OnnxRuntime")) {
      NDList result = predictor.predict(new NDList(sub.create(input, shape)));
      assertThat(result).hasSize(3);
      NDArray decoder = result.get(1);
      NDArray encoder = result.get(2);
      assertThat(decoder.getName()).isEqualTo("feature.decoder.1");
      assertThat(decoder.getShape()).isEqualTo(new Shape(1, 4, 16, 16, 8));
      assertThat(encoder.getShape()).isEqualTo(new Shape(1, 8, 8, 8, 4));
      assertClose(decoder.toFloatArray(), djlDecoder);
      assertClose(encoder.toFloatArray(), djlEncoder);
    }
  }

  private static void assertClose(float[] actual, float[] expected) {
    assertThat(actual).hasSameSizeAs(expected);
    double maxAbs = 0;
    double scale = 1;
    for (int i = 0; i < actual.length; i++) {
      maxAbs = Math.max(maxAbs, Math.abs(actual[i] - expected[i]));
      scale = Math.max(scale, Math.abs(expected[i]));
    }
    assertThat(maxAbs).isLessThan(1e-3 * scale);
  }
}
