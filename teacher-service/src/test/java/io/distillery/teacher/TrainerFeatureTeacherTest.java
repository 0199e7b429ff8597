package io.distillery.teacher;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.distillery.contracts.EventCodec;
import io.distillery.contracts.ObjectKeys;
import io.distillery.contracts.ObjectRef;
import io.distillery.contracts.events.TeacherModelPublished;
import io.distillery.contracts.events.TeacherOutputsProduced;
import io.distillery.contracts.events.VolumeIngested;
import io.distillery.devstack.DevStack;
import io.distillery.devstack.DevStackExtension;
import io.distillery.objectstore.MinioObjectStore;
import io.distillery.objectstore.ObjectStore;
import io.distillery.objectstore.S3Settings;
import io.distillery.objectstore.StoredObject;
import io.distillery.segml.checkpoint.Checkpoint;
import io.distillery.segml.checkpoint.IntensityNormalization;
import io.distillery.segml.checkpoint.ModelCard;
import io.distillery.segml.checkpoint.PreprocessingSpec;
import io.distillery.segml.engine.EngineThreads;
import io.distillery.segml.export.OnnxExporter;
import io.distillery.segml.networks.UNet3d;
import io.distillery.teacher.service.TeacherOutputService;
import io.distillery.teacher.service.TeacherRegistry;
import io.distillery.teacher.service.TeacherRunner;
import io.distillery.tensorcodec.DecodedTensor;
import io.distillery.tensorcodec.TensorCodec;
import io.distillery.volumeio.Volume;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A teacher as the student-trainer publishes it since MS-KD reads feature maps: format {@code djl}
 * with params, model card and an ONNX export whose extra output {@code feature.decoder.0} is the
 * last decoder stage, the manifest declaring that output name as {@code featureTap}, announced by
 * {@code TeacherModelPublished}. The service registers it, runs it on ONNX Runtime and stores a
 * feature map next to the soft labels (the event carries {@code features} and {@code featureMap}).
 */
@ExtendWith(DevStackExtension.class)
class TrainerFeatureTeacherTest {

  @TempDir Path dir;

  @Test
  void trainerPublishedTeacherWithADeclaredTapProducesAFeatureMap(DevStack stack) throws Exception {
    EngineThreads.configure(2);
    Engine.getEngine("PyTorch").setRandomSeed(11);
    String bucket = "tfeat-" + UUID.randomUUID().toString().substring(0, 8);
    String id = "trainer-liver";
    String version = "1";
    try (NDManager manager = NDManager.newBaseManager("PyTorch");
        ObjectStore store =
            MinioObjectStore.create(
                S3Settings.of(stack.endpoint(), stack.accessKey(), stack.secretKey()))) {
      store.ensureBucket(bucket);
      // What the trainer's teacher job exports: depth 2, tap decoder.(depth-2) = decoder.0.
      UNet3d net = UNet3d.builder().setOutChannels(2).optBaseWidth(8).optDepth(2).build();
      net.initialize(manager, DataType.FLOAT32, new Shape(1, 1, 16, 16, 16));
      String featureTap = OnnxExporter.featureOutput("decoder.0");
      IntensityNormalization ct = new IntensityNormalization("ct-window", -125, 275, 75, 200);
      ModelCard card =
          new ModelCard(
              ModelCard.SCHEMA_VERSION,
              id,
              net.spec(),
              Map.of(),
              new PreprocessingSpec(
                  "RAS", new double[] {6, 6, 6}, ct, new int[] {16, 16, 16}, "sliding-window", 0.5),
              List.of("background", "liver"),
              List.of("CT"),
              Map.of(),
              null);
      Checkpoint.save(net, card, dir);
      OnnxExporter.export(net, 0, List.of("decoder.0"), dir.resolve("model.onnx"));
      Map<String, String> names = new LinkedHashMap<>();
      names.put("params", Checkpoint.PARAMS_FILE);
      names.put("onnx", "model.onnx");
      names.put("modelCard", Checkpoint.CARD_FILE);
      Map<String, ObjectRef> refs = new LinkedHashMap<>();
      for (Map.Entry<String, String> f : names.entrySet()) {
        StoredObject o =
            store.put(
                bucket,
                ObjectKeys.teacherFile(id, version, f.getValue()),
                dir.resolve(f.getValue()),
                "application/octet-stream");
        refs.put(f.getKey(), ref(o));
      }
      TeacherManifest manifest =
          new TeacherManifest(
              TeacherManifest.SCHEMA_VERSION,
              id,
              version,
              "djl",
              names,
              "CT",
              List.of(),
              List.of(6.0, 6.0, 6.0),
              ct,
              List.of(16, 16, 16),
              0.5,
              List.of("background", "liver"),
              null,
              featureTap,
              1.0);
      StoredObject manifestObject =
          store.put(
              bucket,
              ObjectKeys.teacherManifest(id, version),
              TeacherRegistry.manifestJson(manifest),
              "application/json");
      TeacherRegistry registry = new TeacherRegistry(store, bucket);
      RegisteredTeacher teacher =
          registry.accept(
              new TeacherModelPublished(
                  id,
                  version,
                  "djl",
                  ref(manifestObject),
                  refs,
                  "CT",
                  List.of(),
                  Map.of("0", "background", "1", "liver"),
                  featureTap,
                  1.0,
                  "t-job",
                  Instant.now()));
      Volume image = TestVolumes.synthetic(5, 30, 28, 20);
      VolumeIngested volume =
          TestVolumes.store(store, bucket, "tfeat-volume", "tfeat-data", "tfeat", image);
      List<TeacherOutputsProduced> announced = new ArrayList<>();
      try (TeacherRunner runner = new TeacherRunner(store, 2, 2)) {
        TeacherOutputService service =
            new TeacherOutputService(
                store, bucket, new EventCodec(), registry, runner, (e, t) -> announced.add(e));
        assertThat(service.produce(teacher, volume, null))
            .isEqualTo(TeacherOutputService.Outcome.PRODUCED);
      }
      assertThat(announced).hasSize(1);
      TeacherOutputsProduced event = announced.get(0);
      assertThat(event.features()).isNotNull();
      assertThat(event.features().key())
          .isEqualTo(ObjectKeys.teacherFeatures(id, version, volume.volumeId()));
      assertThat(event.featureMap().tap()).isEqualTo("feature.decoder.0");
      assertThat(event.featureMap().channels()).isEqualTo(8);
      assertThat(event.featureMap().stride()).isEqualTo(1);
      assertThat(event.featureMap().shape()).isEqualTo(event.shape());
      DecodedTensor stored;
      try (InputStream in = store.get(bucket, event.features().key(), true)) {
        stored = TensorCodec.decode(in);
      }
      List<Integer> xyz = event.shape();
      assertThat(stored.shape()).containsExactly(8L, xyz.get(2), xyz.get(1), xyz.get(0));
    }
  }

  private static ObjectRef ref(StoredObject o) {
    return new ObjectRef(o.bucket(), o.key(), o.sha256(), o.size(), "application/octet-stream");
  }
}
