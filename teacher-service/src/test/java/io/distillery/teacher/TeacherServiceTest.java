package io.distillery.teacher;

import static io.restassured.RestAssured.given;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import io.distillery.contracts.CloudEventHeaders;
import io.distillery.contracts.EncodedEvent;
import io.distillery.contracts.EventCodec;
import io.distillery.contracts.Topics;
import io.distillery.contracts.events.TeacherModelPublished;
import io.distillery.contracts.events.TeacherOutputsProduced;
import io.distillery.contracts.events.VolumeIngested;
import io.distillery.devstack.DevStackTestResource;
import io.distillery.devstack.TopicProbe;
import io.distillery.objectstore.ObjectStore;
import io.distillery.segml.engine.OnnxModelWindowPredictor;
import io.distillery.teacher.service.TeacherRegistry;
import io.distillery.teacher.service.TeacherRunner;
import io.distillery.tensorcodec.DecodedTensor;
import io.distillery.tensorcodec.TensorCodec;
import io.distillery.volumeio.Volume;
import io.distillery.volumeio.dataset.DatasetCase;
import io.distillery.volumeio.dataset.DatasetFolder;
import io.distillery.volumeio.dataset.SharedData;
import io.distillery.volumeio.nifti.NiftiReader;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The teacher-service on the real broker and S3 server: a tiny ONNX teacher registered over REST,
 * real BTCV volumes ingested, soft labels checked against the same model run directly; idempotent
 * back-fill, a new version back-filling, and poison events dead-lettered.
 */
@QuarkusTest
@Tag("quarkus")
@QuarkusTestResource(value = DevStackTestResource.class, restrictToAnnotatedClass = false)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TeacherServiceTest {

  static final String TEACHER = "liver-tiny";
  static final String DATASET = "it-btcv-liver";
  static final double SPACING = 6.0;
  static final double TEMPERATURE = 2.0;
  static final List<String> CASES = List.of("btcv_11", "btcv_12", "btcv_01");

  @Inject ObjectStore store;
  @Inject TeacherRegistry registry;
  @Inject EventCodec codec;

  @ConfigProperty(name = "kafka.bootstrap.servers")
  String bootstrap;

  @ConfigProperty(name = "distillery.s3.bucket")
  String bucket;

  static final List<TeacherOutputsProduced> outputs = new CopyOnWriteArrayList<>();
  static final List<ConsumerRecord<String, byte[]>> deadLetters = new CopyOnWriteArrayList<>();
  static final Map<String, Path> onnxFiles = new HashMap<>();
  static volatile boolean listening = true;
  static Thread listener;

  @BeforeAll
  static void models() throws Exception {
    for (int seed : new int[] {42, 43}) {
      Path file = Files.createTempFile("teacher-" + seed + "-", ".onnx");
      Files.write(file, TinyTeacher.onnx(seed));
      onnxFiles.put(seed == 42 ? "1" : "2", file);
    }
  }

  @AfterAll
  static void stop() throws InterruptedException {
    listening = false;
    if (listener != null) {
      listener.join(10_000);
    }
  }

  /** Collects TeacherOutputsProduced of this test's teacher and the VolumeIngested dead letters. */
  void listen() {
    if (listener != null) {
      return;
    }
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "teacher-service-test-" + UUID.randomUUID());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, "500");
    EventCodec decoder = codec;
    listener =
        new Thread(
            () -> {
              try (KafkaConsumer<String, byte[]> consumer =
                  new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
                consumer.subscribe(
                    List.of(
                        Topics.TEACHER_OUTPUTS_PRODUCED,
                        Topics.deadLetter(Topics.VOLUME_INGESTED),
                        Topics.deadLetter(Topics.TEACHER_MODEL_PUBLISHED)));
                while (listening) {
                  for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.topic().equals(Topics.TEACHER_OUTPUTS_PRODUCED)) {
                      TeacherOutputsProduced e =
                          decoder
                              .decode(headers(r), r.value(), TeacherOutputsProduced.class)
                              .event();
                      if (e.teacherId().equals(TEACHER)) {
                        outputs.add(e);
                      }
                    } else {
                      deadLetters.add(r);
                    }
                  }
                }
              }
            },
            "test-listener");
    listener.setDaemon(true);
    listener.start();
  }

  @Test
  @Order(1)
  void threeRealVolumesEndInThreeTeacherOutputsThatDecodeToTheTeachersProbabilities()
      throws Exception {
    Optional<Path> data = SharedData.dataset("btcv-liver");
    Assumptions.assumeTrue(data.isPresent(), SharedData.missingMessage());
    listen();
    register("1", 42);
    DatasetFolder folder = DatasetFolder.open(data.get());
    Map<String, VolumeIngested> volumes = new HashMap<>();
    try (KafkaProducer<String, byte[]> producer = TestVolumes.producer(bootstrap)) {
      for (String caseId : CASES) {
        DatasetCase c = folder.find(caseId).orElseThrow();
        Volume image = c.readImage(NiftiReader.withDefaults(), 0);
        String volumeId = "it-" + caseId + "-" + UUID.randomUUID().toString().substring(0, 8);
        VolumeIngested event = TestVolumes.store(store, bucket, volumeId, DATASET, caseId, image);
        volumes.put(volumeId, event);
        TestVolumes.send(
            producer, Topics.VOLUME_INGESTED, codec.encode(event, "/test/ingest", null));
      }
    }
    await()
        .atMost(Duration.ofMinutes(4))
        .pollInterval(Duration.ofMillis(500))
        .until(() -> outputsOf("1").size() >= 3);

    List<TeacherOutputsProduced> produced = outputsOf("1");
    assertThat(produced)
        .extracting(TeacherOutputsProduced::volumeId)
        .containsExactlyInAnyOrderElementsOf(volumes.keySet());
    try (OnnxModelWindowPredictor model =
        OnnxModelWindowPredictor.onnxRuntime(onnxFiles.get("1"), 1, 2, 2)) {
      for (TeacherOutputsProduced e : produced) {
        assertThat(e.channels()).containsExactly("liver");
        assertThat(e.spacing()).allSatisfy(s -> assertThat(s).isCloseTo(SPACING, within()));
        DecodedTensor stored;
        try (InputStream in = store.get(e.softLabels().bucket(), e.softLabels().key(), true)) {
          stored = TensorCodec.decode(in);
        }
        Volume image;
        VolumeIngested v = volumes.get(e.volumeId());
        try (InputStream in = store.get(bucket, v.image().key(), true)) {
          image = NiftiReader.withDefaults().readVolume(in);
        }
        SoftLabels expected =
            TeacherRunner.softLabels(
                TinyTeacher.manifest(TEACHER, "1", List.of(DATASET), SPACING, TEMPERATURE),
                image,
                model,
                1);
        assertThat(stored.shape())
            .containsExactly(
                1, expected.shapeXyz()[2], expected.shapeXyz()[1], expected.shapeXyz()[0]);
        assertThat(e.shape())
            .containsExactly(
                expected.shapeXyz()[0], expected.shapeXyz()[1], expected.shapeXyz()[2]);
        double bound = stored.header().maxQuantisationError();
        double worst = 0;
        for (int i = 0; i < expected.data().length; i++) {
          worst = Math.max(worst, Math.abs(stored.data()[i] - expected.data()[i]));
        }
        System.out.printf(
            "volume %s: %s voxels at %.0f mm, max |decoded - teacher| = %.6f (bound %.6f)%n",
            e.volumeId(), e.shape(), SPACING, worst, bound);
        assertThat(worst).isLessThanOrEqualTo(bound + 1e-4);
      }
    }
  }

  @Test
  @Order(2)
  void existingOutputsAreNotRecomputedAndANewVersionBackfillsEveryVolume() {
    Assumptions.assumeTrue(outputsOf("1").size() == 3, "needs the real-data test's outputs");
    Response accepted =
        given()
            .when()
            .post("/api/v1/teachers/{id}/backfill", TEACHER)
            .then()
            .statusCode(202)
            .extract()
            .response();
    String id = accepted.path("backfillId");
    await()
        .atMost(Duration.ofMinutes(1))
        .until(
            () ->
                "COMPLETED"
                    .equals(
                        given().get("/api/v1/backfills/{id}", id).then().extract().path("state")));
    given()
        .get("/api/v1/backfills/{id}", id)
        .then()
        .body("version", equalTo("1"))
        .body("produced", equalTo(0))
        .body("alreadyDone", equalTo(3))
        .body("failed", equalTo(0));

    register("2", 43);
    await()
        .atMost(Duration.ofMinutes(3))
        .pollInterval(Duration.ofMillis(500))
        .until(() -> outputsOf("2").size() >= 3);
    assertThat(outputsOf("2"))
        .extracting(TeacherOutputsProduced::volumeId)
        .containsExactlyInAnyOrderElementsOf(
            outputsOf("1").stream().map(TeacherOutputsProduced::volumeId).toList());
    assertThat(outputsOf("1")).hasSize(3);
    given()
        .get("/api/v1/teachers/{id}", TEACHER)
        .then()
        .statusCode(200)
        .body("manifest.version", equalTo(List.of("1", "2")));
    given()
        .get("/api/v1/teachers")
        .then()
        .statusCode(200)
        .body("manifest.teacherId", hasItem(TEACHER));
    String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
    assertThat(metrics).contains("distillery_teacher_outputs_total{teacher=\"" + TEACHER + "\"}");
  }

  @Test
  @Order(3)
  void poisonEventsAreDeadLetteredWithAReasonAndTheConsumerKeepsGoing() throws Exception {
    listen();
    if (given().get("/api/v1/teachers/{id}", TEACHER).statusCode() == 404) {
      register("1", 42);
    }
    String latest =
        given().get("/api/v1/teachers/{id}", TEACHER).then().extract().path("manifest.version[-1]");
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    VolumeIngested valid =
        TestVolumes.store(
            store,
            bucket,
            "it-synthetic-" + suffix,
            DATASET,
            "synthetic",
            TestVolumes.synthetic(3, 40, 36, 24));
    EncodedEvent encoded = codec.encode(valid, "/test/ingest", null);
    try (KafkaProducer<String, byte[]> producer = TestVolumes.producer(bootstrap)) {
      producer
          .send(
              new ProducerRecord<>(
                  Topics.VOLUME_INGESTED,
                  "poison-json-" + suffix,
                  "{not json".getBytes(StandardCharsets.UTF_8)))
          .get();
      RecordHeaders headers = new RecordHeaders();
      encoded.headers().forEach(headers::add);
      producer
          .send(
              new ProducerRecord<>(
                  Topics.VOLUME_INGESTED,
                  null,
                  "poison-schema-" + suffix,
                  "{\"volumeId\": 5}".getBytes(StandardCharsets.UTF_8),
                  headers))
          .get();
      TestVolumes.send(producer, Topics.VOLUME_INGESTED, encoded);
      // The other consumer: an announcement that is not JSON.
      producer
          .send(
              new ProducerRecord<>(
                  Topics.TEACHER_MODEL_PUBLISHED,
                  "poison-model-" + suffix,
                  "{not json".getBytes(StandardCharsets.UTF_8)))
          .get();
    }
    await()
        .atMost(Duration.ofMinutes(2))
        .pollInterval(Duration.ofMillis(300))
        .until(
            () ->
                outputs.stream()
                    .anyMatch(
                        e ->
                            e.volumeId().equals(valid.volumeId())
                                && e.teacherVersion().equals(latest)));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                keysOf(deadLetters)
                    .containsAll(
                        List.of(
                            "poison-json-" + suffix,
                            "poison-schema-" + suffix,
                            "poison-model-" + suffix)));
    for (ConsumerRecord<String, byte[]> r : deadLetters) {
      if (r.key().endsWith(suffix)) {
        Header reason = r.headers().lastHeader(Topics.DEAD_LETTER_REASON_HEADER);
        assertThat(reason).as("reason header of " + r.key()).isNotNull();
        System.out.printf(
            "dead letter %s: %s%n", r.key(), new String(reason.value(), StandardCharsets.UTF_8));
        assertThat(new String(reason.value(), StandardCharsets.UTF_8)).isNotBlank();
      }
    }
    assertThat(keysOf(deadLetters)).doesNotContain(valid.volumeId());
    String metrics = given().get("/q/metrics").then().extract().asString();
    assertThat(metrics)
        .contains("distillery_dead_letters_total{topic=\"" + Topics.VOLUME_INGESTED + "\"}");
  }

  @Test
  @Order(4)
  void invalidUploadsAreProblemsNotTeachers() throws Exception {
    String manifest =
        new String(
            io.distillery.teacher.service.TeacherRegistry.manifestJson(
                TinyTeacher.manifest("bad-teacher", "1", List.of(DATASET), SPACING, 1.0)),
            StandardCharsets.UTF_8);
    given()
        .multiPart("manifest", manifest)
        .multiPart("model", "model.onnx", "not an onnx model".getBytes(StandardCharsets.UTF_8))
        .when()
        .post("/api/v1/teachers")
        .then()
        .statusCode(400)
        .contentType("application/problem+json")
        .body("detail", org.hamcrest.Matchers.containsString("ONNX"));
    given().get("/api/v1/teachers/{id}", "bad-teacher").then().statusCode(404);
  }

  /**
   * An upload whose model was stored but whose announcement failed: its retry (same manifest, same
   * bytes) answers 201 and announces the teacher, under the same ce_id every time; a different
   * model under the same id and version is still a conflict.
   */
  @Test
  @Order(5)
  void aRetriedUploadIsAnnouncedAgainAndADifferentModelIsAConflict() throws Exception {
    String teacherId = "retry-tiny";
    TeacherManifest manifest =
        TinyTeacher.manifest(teacherId, "1", List.of("it-retry"), SPACING, TEMPERATURE);
    byte[] onnx = TinyTeacher.onnx(42);
    // What the first upload stored before its publish failed: the model, and no event.
    RegisteredTeacher stored = registry.register(manifest, Map.of("onnx", onnx));
    String manifestJson =
        new String(
            io.distillery.teacher.service.TeacherRegistry.manifestJson(manifest),
            StandardCharsets.UTF_8);

    upload(manifestJson, onnx).then().statusCode(201).body("manifest.version", equalTo("1"));
    List<ConsumerRecord<String, byte[]>> first = announcements(teacherId, 1);
    upload(manifestJson, onnx).then().statusCode(201);
    List<ConsumerRecord<String, byte[]>> both = announcements(teacherId, 2);

    String expectedId =
        CloudEventHeaders.derivedId(
            "TeacherModelPublished", teacherId, "1", stored.manifestRef().sha256());
    TeacherModelPublished announced =
        codec
            .decode(headers(first.get(0)), first.get(0).value(), TeacherModelPublished.class)
            .event();
    assertThat(announced.version()).isEqualTo("1");
    assertThat(announced.files().get("onnx").sha256())
        .isEqualTo(stored.files().get("onnx").sha256());
    assertThat(both)
        .extracting(r -> new String(r.headers().lastHeader("ce_id").value(), UTF_8))
        .containsOnly(expectedId);

    upload(manifestJson, TinyTeacher.onnx(43))
        .then()
        .statusCode(409)
        .contentType("application/problem+json");
    assertThat(store.stat(bucket, stored.files().get("onnx").key()).sha256())
        .isEqualTo(stored.files().get("onnx").sha256());
    assertThat(announcements(teacherId, 2)).hasSize(2);
  }

  private static Response upload(String manifestJson, byte[] onnx) {
    return given()
        .multiPart("manifest", manifestJson)
        .multiPart("model", "model.onnx", onnx, "application/octet-stream")
        .when()
        .post("/api/v1/teachers");
  }

  /** Waits until {@code count} TeacherModelPublished of the teacher are on the topic. */
  private List<ConsumerRecord<String, byte[]>> announcements(String teacherId, int count) {
    TopicProbe probe = new TopicProbe(bootstrap);
    List<ConsumerRecord<String, byte[]>> found = new ArrayList<>();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              found.clear();
              for (ConsumerRecord<String, byte[]> r :
                  probe.readAll(Topics.TEACHER_MODEL_PUBLISHED)) {
                if (teacherId.equals(r.key())) {
                  found.add(r);
                }
              }
              return found.size() >= count;
            });
    return found;
  }

  private void register(String version, int seed) {
    byte[] manifest =
        io.distillery.teacher.service.TeacherRegistry.manifestJson(
            TinyTeacher.manifest(TEACHER, version, List.of(DATASET), SPACING, TEMPERATURE));
    given()
        .multiPart("manifest", new String(manifest, StandardCharsets.UTF_8))
        .multiPart("model", onnxFiles.get(version).toFile(), "application/octet-stream")
        .when()
        .post("/api/v1/teachers")
        .then()
        .statusCode(201)
        .body("manifest.version", equalTo(version));
  }

  private static List<TeacherOutputsProduced> outputsOf(String version) {
    return outputs.stream().filter(e -> e.teacherVersion().equals(version)).toList();
  }

  private static List<String> keysOf(List<ConsumerRecord<String, byte[]>> records) {
    List<String> keys = new ArrayList<>();
    records.forEach(r -> keys.add(r.key()));
    return keys;
  }

  private static Map<String, byte[]> headers(ConsumerRecord<String, byte[]> r) {
    Map<String, byte[]> h = new HashMap<>();
    for (Header header : r.headers()) {
      h.put(header.key(), header.value());
    }
    return h;
  }

  private static org.assertj.core.data.Offset<Double> within() {
    return org.assertj.core.data.Offset.offset(1e-6);
  }
}
