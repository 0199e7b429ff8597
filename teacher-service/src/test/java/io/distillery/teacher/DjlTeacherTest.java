package io.distillery.teacher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.distillery.devstack.DevStack;
import io.distillery.devstack.DevStackExtension;
import io.distillery.objectstore.MinioObjectStore;
import io.distillery.objectstore.ObjectStore;
import io.distillery.objectstore.S3Settings;
import io.distillery.segml.checkpoint.Checkpoint;
import io.distillery.segml.checkpoint.ModelCard;
import io.distillery.segml.checkpoint.PreprocessingSpec;
import io.distillery.segml.engine.DjlWindowPredictor;
import io.distillery.segml.engine.EngineThreads;
import io.distillery.segml.engine.InferenceEngine;
import io.distillery.segml.networks.UNet3d;
import io.distillery.teacher.service.TeacherRegistry;
import io.distillery.teacher.service.TeacherRunner;
import io.distillery.volumeio.Volume;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A teacher as the student-trainer publishes it (format {@code djl}: model card + params, no ONNX
 * export): the runner rebuilds the network from the card and, with no ONNX file, seg-ml's engine
 * selection falls back to DJL PyTorch; its soft labels equal the network run directly.
 */
@ExtendWith(DevStackExtension.class)
class DjlTeacherTest {

  @TempDir Path dir;

  @Test
  void trainerPublishedTeacherRunsOnPyTorchAndMatchesTheNetwork(DevStack stack) throws Exception {
    EngineThreads.configure(2);
    Engine.getEngine("PyTorch").setRandomSeed(7);
    String bucket = "djl-" + UUID.randomUUID().toString().substring(0, 8);
    try (NDManager manager = NDManager.newBaseManager("PyTorch");
        ObjectStore store =
            MinioObjectStore.create(
                S3Settings.of(stack.endpoint(), stack.accessKey(), stack.secretKey()))) {
      UNet3d net =
          UNet3d.builder().setOutChannels(3).optBaseWidth(8).optDepth(2).optNormSets(2).build();
      net.initialize(manager, DataType.FLOAT32, new Shape(1, 1, 16, 16, 16));
      TeacherManifest manifest =
          new TeacherManifest(
              TeacherManifest.SCHEMA_VERSION,
              "trained-teacher",
              "3",
              "djl",
              Map.of("params", "model.params", "modelCard", "model-card.json"),
              "MR",
              List.of(),
              List.of(4.0, 4.0, 4.0),
              new io.distillery.segml.checkpoint.IntensityNormalization("zscore", 0, 0, 0, 1),
              List.of(16, 16, 16),
              0.5,
              List.of("background", "liver", "spleen"),
              null,
              null,
              1.5);
      ModelCard card =
          new ModelCard(
              ModelCard.SCHEMA_VERSION,
              "trained-teacher",
              net.spec(),
              Map.of(),
              new PreprocessingSpec(
                  "RAS",
                  new double[] {4, 4, 4},
                  manifest.normalisation(),
                  new int[] {16, 16, 16},
                  "sliding-window",
                  0.5),
              manifest.outputClasses(),
              List.of("CT", "MR"),
              Map.of(),
              null);
      Checkpoint.save(net, card, dir);
      store.ensureBucket(bucket);
      RegisteredTeacher teacher =
          new TeacherRegistry(store, bucket)
              .register(
                  manifest,
                  Map.of(
                      "params", Files.readAllBytes(dir.resolve(Checkpoint.PARAMS_FILE)),
                      "modelCard", Files.readAllBytes(dir.resolve(Checkpoint.CARD_FILE))));
      Volume image = TestVolumes.synthetic(9, 30, 28, 20);

      SoftLabels actual;
      try (TeacherRunner runner = new TeacherRunner(store, 2, 2)) {
        assertThat(runner.engineOf(teacher)).isEqualTo(InferenceEngine.PYTORCH);
        actual = runner.run(teacher, image);
      }
      SoftLabels expected;
      try (DjlWindowPredictor direct = new DjlWindowPredictor(net, 1)) {
        expected = TeacherRunner.softLabels(manifest, image, direct, 1);
      }
      assertThat(actual.channels()).containsExactly("background", "liver", "spleen");
      assertThat(actual.shapeXyz()).containsExactly(expected.shapeXyz());
      for (int i = 0; i < expected.data().length; i++) {
        assertThat(actual.data()[i]).isCloseTo(expected.data()[i], within(1e-5f));
      }
      int voxels = actual.shapeXyz()[0] * actual.shapeXyz()[1] * actual.shapeXyz()[2];
      for (int v = 0; v < voxels; v += 97) {
        float sum = actual.data()[v] + actual.data()[voxels + v] + actual.data()[2 * voxels + v];
        assertThat(sum).isCloseTo(1f, within(1e-5f));
      }
    }
  }
}
