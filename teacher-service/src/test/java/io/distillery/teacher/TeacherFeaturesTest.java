package io.distillery.teacher;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.distillery.contracts.EventCodec;
import io.distillery.contracts.ObjectKeys;
import io.distillery.contracts.Topics;
import io.distillery.contracts.events.TeacherOutputsProduced;
import io.distillery.contracts.events.VolumeIngested;
import io.distillery.devstack.DevStackTestResource;
import io.distillery.devstack.TopicProbe;
import io.distillery.objectstore.ObjectStore;
import io.distillery.teacher.service.FeatureWindowPredictor;
import io.distillery.teacher.service.TeacherRegistry;
import io.distillery.teacher.service.TeacherRunner;
import io.distillery.tensorcodec.DecodedTensor;
import io.distillery.tensorcodec.TensorCodec;
import io.distillery.volumeio.Volume;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.header.Header;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A teacher that declares a feature tap (an ONNX model exported by seg-ml with the full-resolution
 * last decoder stage as output {@code feature.decoder.0}): per volume the service stores the
 * feature map through tensor-codec next to the soft labels and describes it in {@code
 * TeacherOutputsProduced} and {@code produced.json}; the stored map decodes to the teacher's own
 * features within fp16 error. Real broker and S3 server.
 */
@QuarkusTest
@Tag("quarkus")
@QuarkusTestResource(value = DevStackTestResource.class, restrictToAnnotatedClass = false)
class TeacherFeaturesTest {

  private static final String TEACHER = "features-tiny";
  private static final String DATASET = "features-data";
  private static final String TAP = "feature.decoder.0";
  private static final double SPACING = 6.0;

  @Inject ObjectStore store;
  @Inject EventCodec codec;

  @ConfigProperty(name = "kafka.bootstrap.servers")
  String bootstrap;

  @ConfigProperty(name = "distillery.s3.bucket")
  String bucket;

  private static TeacherManifest manifest() {
    TeacherManifest plain = TinyTeacher.manifest(TEACHER, "1", List.of(DATASET), SPACING, 1.0);
    return new TeacherManifest(
        plain.schemaVersion(),
        plain.teacherId(),
        plain.version(),
        plain.format(),
        plain.files(),
        plain.modality(),
        plain.datasets(),
        plain.spacingMm(),
        plain.normalisation(),
        plain.roiSize(),
        plain.overlap(),
        plain.outputClasses(),
        plain.storedChannels(),
        TAP,
        plain.temperature());
  }

  @Test
  void declaredFeatureMapIsStoredDescribedAndDecodesToTheTeachersFeatures() throws Exception {
    byte[] onnx = TinyTeacher.onnx(21, List.of("decoder.0"));
    given()
        .multiPart(
            "manifest",
            new String(TeacherRegistry.manifestJson(manifest()), StandardCharsets.UTF_8))
        .multiPart("model", "model.onnx", onnx, "application/octet-stream")
        .when()
        .post("/api/v1/teachers")
        .then()
        .statusCode(201);
    Volume image = TestVolumes.synthetic(4, 40, 36, 24);
    VolumeIngested volume =
        TestVolumes.store(store, bucket, "features-volume-1", DATASET, "features", image);
    try (KafkaProducer<String, byte[]> producer = TestVolumes.producer(bootstrap)) {
      TestVolumes.send(producer, Topics.VOLUME_INGESTED, codec.encode(volume, "/test", null));
    }

    TopicProbe probe = new TopicProbe(bootstrap);
    TeacherOutputsProduced[] found = new TeacherOutputsProduced[1];
    await()
        .atMost(Duration.ofMinutes(2))
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> {
              found[0] = outputsOf(probe, volume.volumeId()).orElse(null);
              return found[0] != null;
            });
    TeacherOutputsProduced event = found[0];
    assertThat(event.features()).isNotNull();
    assertThat(event.features().key())
        .isEqualTo(ObjectKeys.teacherFeatures(TEACHER, "1", volume.volumeId()));
    TeacherOutputsProduced.FeatureMap map = event.featureMap();
    assertThat(map.tap()).isEqualTo(TAP);
    assertThat(map.channels()).isEqualTo(8); // base width 8: the last decoder stage's channels
    assertThat(map.stride()).isEqualTo(1);
    assertThat(map.shape()).isEqualTo(event.shape());
    assertThat(map.spacing()).isEqualTo(event.spacing());
    assertThat(map.encoding()).isEqualTo("feat-f16/1");

    // produced.json (the commit marker) is the announced event, feature description included.
    try (InputStream in =
        store.get(bucket, ObjectKeys.teacherOutputRecord(TEACHER, "1", volume.volumeId()))) {
      TeacherOutputsProduced record =
          codec.fromJson(in.readAllBytes(), TeacherOutputsProduced.class);
      assertThat(record.featureMap()).isEqualTo(map);
      assertThat(record.features()).isEqualTo(event.features());
    }

    DecodedTensor stored;
    try (InputStream in = store.get(bucket, event.features().key(), true)) {
      stored = TensorCodec.decode(in);
    }
    List<Integer> xyz = event.shape();
    assertThat(stored.shape()).containsExactly(8L, xyz.get(2), xyz.get(1), xyz.get(0));
    Path file = Files.createTempFile("features-teacher-", ".onnx");
    TeacherFeatures expected;
    try {
      Files.write(file, onnx);
      try (FeatureWindowPredictor predictor =
          new FeatureWindowPredictor(file, 2, TAP, 1, manifest().roiDhw())) {
        expected = TeacherRunner.outputs(manifest(), image, predictor, 1).features();
      }
    } finally {
      Files.deleteIfExists(file);
    }
    float[] decoded = stored.data();
    assertThat(decoded).hasSameSizeAs(expected.data());
    double worst = 0;
    double scale = 0;
    for (int i = 0; i < decoded.length; i++) {
      worst = Math.max(worst, Math.abs(decoded[i] - expected.data()[i]));
      scale = Math.max(scale, Math.abs(expected.data()[i]));
    }
    System.out.printf(
        "stored features %s: max |decoded - teacher| = %.3e (max |feature| %.3f)%n",
        java.util.Arrays.toString(stored.shape()), worst, scale);
    assertThat(scale).as("features are not all zero").isPositive();
    // fp16 keeps 11 significant bits: relative error ≤ 2^-11; 1e-4 absolute covers ORT run noise.
    assertThat(worst).isLessThanOrEqualTo(scale * Math.pow(2, -11) + 1e-4);
  }

  @Test
  void aFeatureTapThatIsNotAnOutputOfTheModelIsRefusedAtUpload() throws Exception {
    TeacherManifest m = manifest();
    TeacherManifest other =
        new TeacherManifest(
            m.schemaVersion(),
            "features-missing",
            "1",
            m.format(),
            m.files(),
            m.modality(),
            m.datasets(),
            m.spacingMm(),
            m.normalisation(),
            m.roiSize(),
            m.overlap(),
            m.outputClasses(),
            m.storedChannels(),
            TAP,
            m.temperature());
    given()
        .multiPart(
            "manifest", new String(TeacherRegistry.manifestJson(other), StandardCharsets.UTF_8))
        .multiPart("model", "model.onnx", TinyTeacher.onnx(22), "application/octet-stream")
        .when()
        .post("/api/v1/teachers")
        .then()
        .statusCode(400)
        .contentType("application/problem+json")
        .body("detail", org.hamcrest.Matchers.containsString("is not an output of the onnx model"));
  }

  private Optional<TeacherOutputsProduced> outputsOf(TopicProbe probe, String volumeId) {
    for (ConsumerRecord<String, byte[]> r : probe.readAll(Topics.TEACHER_OUTPUTS_PRODUCED)) {
      if (!volumeId.equals(r.key())) {
        continue;
      }
      Map<String, byte[]> headers = new HashMap<>();
      for (Header h : r.headers()) {
        headers.put(h.key(), h.value());
      }
      TeacherOutputsProduced e =
          codec.decode(headers, r.value(), TeacherOutputsProduced.class).event();
      if (e.teacherId().equals(TEACHER)) {
        return Optional.of(e);
      }
    }
    return Optional.empty();
  }
}
