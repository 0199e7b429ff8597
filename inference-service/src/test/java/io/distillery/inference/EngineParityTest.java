package io.distillery.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.distillery.contracts.ObjectKeys;
import io.distillery.contracts.ObjectRef;
import io.distillery.devstack.DevStack;
import io.distillery.devstack.DevStackExtension;
import io.distillery.inference.service.ModelLoader;
import io.distillery.objectstore.MinioObjectStore;
import io.distillery.objectstore.ObjectStore;
import io.distillery.objectstore.S3Settings;
import io.distillery.objectstore.StoredObject;
import io.distillery.segml.checkpoint.Checkpoint;
import io.distillery.segml.engine.InferenceEngine;
import io.distillery.segpipeline.ModelLoadException;
import io.distillery.segpipeline.SegmentationPipeline;
import io.distillery.segpipeline.SegmentationResult;
import io.distillery.segpipeline.TensorRtCache;
import io.distillery.volumeio.Volume;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The same published model loaded on ONNX Runtime and on DJL PyTorch (the last fallback) gives the
 * same segmentation through the whole pipeline; a tampered file is refused; a released model frees
 * its files only after its last lease.
 */
@ExtendWith(DevStackExtension.class)
class EngineParityTest {

  @Test
  void onnxRuntimeAndPyTorchAgreeThroughThePipeline(DevStack stack) throws Exception {
    try (ObjectStore store =
        MinioObjectStore.create(
            S3Settings.of(stack.endpoint(), stack.accessKey(), stack.secretKey()))) {
      Map<String, ObjectRef> files = upload(store, stack.bucket(), "parity", "1");
      Path root = Files.createTempDirectory("parity-models-");
      TensorRtCache trt = new TensorRtCache(root.resolve("trt"));
      LoadedModel ort =
          new ModelLoader(store, root, trt, List.of(InferenceEngine.ONNX_RUNTIME), 2, 2)
              .load("parity", "1", files);
      LoadedModel pytorch =
          new ModelLoader(store, root, trt, List.of(InferenceEngine.PYTORCH), 2, 2)
              .load("parity", "1", files);
      assertThat(ort.engine()).isEqualTo(InferenceEngine.ONNX_RUNTIME);
      assertThat(pytorch.engine()).isEqualTo(InferenceEngine.PYTORCH);

      Volume image =
          SyntheticVolumes.image(
              SyntheticVolumes.lasGrid(40, 36, 24), new double[] {0.7, 0.4, 0.5}, 12, 21);
      SegmentationPipeline pipeline = new SegmentationPipeline(2);
      SegmentationResult a;
      SegmentationResult b;
      try (ModelLease la = ort.lease();
          ModelLease lb = pytorch.lease()) {
        a = pipeline.run(image, la.model().model(), "CT", true);
        b = pipeline.run(image, lb.model().model(), null, false);
      }
      short[] x = a.labels().data();
      short[] y = b.labels().data();
      int same = 0;
      for (int i = 0; i < x.length; i++) {
        same += x[i] == y[i] ? 1 : 0;
      }
      assertThat((double) same / x.length).isGreaterThanOrEqualTo(0.999);
      assertThat(a.volumesMl().get("organ")).isPositive();
      assertThat(a.probabilities()).hasSize(2);

      // The registry's reference is the last one: retiring deletes the downloaded files.
      Path ortFiles;
      try (var dirs = Files.list(root)) {
        ortFiles =
            dirs.filter(p -> p.getFileName().toString().startsWith("parity-1-"))
                .findFirst()
                .orElseThrow();
      }
      ModelLease held = ort.lease();
      ort.retire();
      assertThat(ort.lease()).isNotNull().satisfies(ModelLease::close);
      held.close();
      assertThat(ort.lease()).isNull();
      pytorch.retire();
      try (var dirs = Files.list(root)) {
        assertThat(dirs.filter(p -> p.getFileName().toString().startsWith("parity-1-"))).isEmpty();
      }
      assertThat(ortFiles).doesNotExist();
    }
  }

  @Test
  void aFileThatDoesNotMatchItsDigestIsRefused(DevStack stack) throws Exception {
    try (ObjectStore store =
        MinioObjectStore.create(
            S3Settings.of(stack.endpoint(), stack.accessKey(), stack.secretKey()))) {
      Map<String, ObjectRef> files =
          new LinkedHashMap<>(upload(store, stack.bucket(), "tampered", "1"));
      ObjectRef params = files.get("params");
      files.put(
          "params",
          new ObjectRef(
              params.bucket(), params.key(), "0".repeat(64), params.size(), params.contentType()));
      Path root = Files.createTempDirectory("tampered-models-");
      ModelLoader loader =
          new ModelLoader(
              store,
              root,
              new TensorRtCache(root.resolve("trt")),
              List.of(InferenceEngine.ONNX_RUNTIME),
              2,
              1);
      assertThatThrownBy(() -> loader.load("tampered", "1", files))
          .isInstanceOf(ModelLoadException.class)
          .hasMessageContaining("SHA-256");
      try (var left = Files.list(root)) {
        assertThat(left.filter(p -> !p.getFileName().toString().equals("trt"))).isEmpty();
      }
    }
  }

  private static Map<String, ObjectRef> upload(
      ObjectStore store, String bucket, String name, String version) throws Exception {
    Path source = TestModels.trained();
    store.ensureBucket(bucket);
    Map<String, ObjectRef> refs = new LinkedHashMap<>();
    for (String[] f :
        new String[][] {
          {"params", Checkpoint.PARAMS_FILE},
          {"modelCard", Checkpoint.CARD_FILE},
          {"onnx", "model.onnx"}
        }) {
      StoredObject s =
          store.put(
              bucket,
              ObjectKeys.modelFile(name, version, f[1]),
              source.resolve(f[1]),
              "application/octet-stream");
      refs.put(
          f[0], new ObjectRef(bucket, s.key(), s.sha256(), s.size(), "application/octet-stream"));
    }
    return refs;
  }
}
