package io.distillery.inference;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.distillery.contracts.CloudEventHeaders;
import io.distillery.contracts.DecodedEvent;
import io.distillery.contracts.EncodedEvent;
import io.distillery.contracts.EventCodec;
import io.distillery.contracts.ObjectKeys;
import io.distillery.contracts.ObjectRef;
import io.distillery.contracts.Topics;
import io.distillery.contracts.events.SegmentationCompleted;
import io.distillery.contracts.events.SegmentationRequested;
import io.distillery.devstack.DevStackTestResource;
import io.distillery.devstack.TopicProbe;
import io.distillery.objectstore.ObjectStore;
import io.distillery.objectstore.StoredObject;
import io.distillery.servicekit.S3Config;
import io.distillery.volumeio.Grid;
import io.distillery.volumeio.LabelVolume;
import io.distillery.volumeio.Volume;
import io.distillery.volumeio.nifti.NiftiReader;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The service end to end against the real devstack broker and S3 server, with a small model trained
 * in the test (see {@link TestModels}) published as the student-trainer publishes.
 */
@QuarkusTest
@QuarkusTestResource(value = DevStackTestResource.class, restrictToAnnotatedClass = false)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class InferenceServiceTest {

  static final String MODEL = "synthetic-organ";
  static final double[] CENTRE = {0.3, 0.6, 0.45};
  static final double RADIUS_MM = 14;

  @Inject ObjectStore store;
  @Inject S3Config s3Config;

  private final EventCodec codec = new EventCodec();

  @BeforeEach
  void modelIsPublished() throws Exception {
    if (versions().isEmpty()) {
      TestModels.publish(store, s3Config.bucket(), MODEL, "1", List.of("background", "organ"));
      await().atMost(Duration.ofSeconds(90)).until(() -> versions().contains("1"));
    }
  }

  private List<String> versions() {
    List<String> v =
        given()
            .get("/api/v1/models")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath()
            .getList("find { it.name == '" + MODEL + "' }.versions.version", String.class);
    return v == null ? List.of() : v;
  }

  private static Volume lasImage(long seed) {
    return SyntheticVolumes.image(SyntheticVolumes.lasGrid(40, 36, 24), CENTRE, RADIUS_MM, seed);
  }

  @Test
  @Order(1)
  void publishedModelIsListedWithItsEngine() {
    given()
        .get("/api/v1/models")
        .then()
        .statusCode(200)
        .body(
            "find { it.name == '" + MODEL + "' }.versions[0].engine",
            org.hamcrest.Matchers.equalTo("OnnxRuntime"))
        .body(
            "find { it.name == '" + MODEL + "' }.versions[0].labelNames",
            org.hamcrest.Matchers.hasItems("background", "organ"))
        .body(
            "find { it.name == '" + MODEL + "' }.versions[0].skippedEngines.TensorRT",
            org.hamcrest.Matchers.notNullValue());
  }

  @Test
  @Order(2)
  void lasNiftiIsSegmentedOnItsOwnGridWhereTheOrganIs() throws Exception {
    Volume image = lasImage(1);
    Response response =
        given()
            .queryParam("model", MODEL)
            .contentType("application/octet-stream")
            .body(SyntheticVolumes.niftiGz(image))
            .post("/api/v1/segment");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.header("X-Distillery-Engine")).isEqualTo("OnnxRuntime");
    LabelVolume labels =
        NiftiReader.withDefaults().readLabels(response.asByteArray(), Map.of(1, "organ"));
    Grid in = image.grid();
    assertThat(labels.grid().shape()).containsExactly(in.shape());
    assertThat(labels.grid().affine().maxAbsDifference(in.affine())).isLessThan(1e-4);
    LabelVolume truth = SyntheticVolumes.truth(in, CENTRE, RADIUS_MM);
    double dice = SyntheticVolumes.dice(labels.data(), truth.data());
    // Mirrored along x (the LAS axis), the organ would barely overlap itself.
    LabelVolume mirrored =
        SyntheticVolumes.truth(in, new double[] {1 - CENTRE[0], CENTRE[1], CENTRE[2]}, RADIUS_MM);
    assertThat(dice).as("Dice with the true organ").isGreaterThan(0.8);
    assertThat(SyntheticVolumes.dice(labels.data(), mirrored.data())).isLessThan(0.3);

    // The raw argmax (postprocess=none) lands on the same grid and organ.
    Response raw =
        given()
            .queryParam("model", MODEL)
            .queryParam("postprocess", "none")
            .contentType("application/octet-stream")
            .body(SyntheticVolumes.niftiGz(image))
            .post("/api/v1/segment");
    assertThat(raw.statusCode()).isEqualTo(200);
    LabelVolume rawLabels =
        NiftiReader.withDefaults().readLabels(raw.asByteArray(), Map.of(1, "organ"));
    assertThat(rawLabels.grid().shape()).containsExactly(in.shape());
    assertThat(SyntheticVolumes.dice(rawLabels.data(), truth.data())).isGreaterThan(0.8);
  }

  @Test
  @Order(3)
  void volumesJsonPreviewAndProbabilities() throws Exception {
    Volume image = lasImage(2);
    byte[] body = SyntheticVolumes.niftiGz(image);
    double truthMl =
        4.0 / 3 * Math.PI * Math.pow(RADIUS_MM, 3) / 1000.0; // sphere volume, discretised below
    Response json =
        given()
            .queryParam("output", "volumes")
            .contentType("application/octet-stream")
            .body(body)
            .post("/api/v1/segment");
    assertThat(json.statusCode()).isEqualTo(200);
    double organMl = json.jsonPath().getDouble("volumesMl.organ");
    assertThat(organMl).isBetween(truthMl * 0.7, truthMl * 1.3);
    assertThat(json.jsonPath().getMap("timingsMs"))
        .containsKeys("preprocess", "inference", "postprocess");

    Response preview =
        given()
            .queryParam("output", "preview")
            .contentType("application/octet-stream")
            .body(body)
            .post("/api/v1/segment");
    assertThat(preview.statusCode()).isEqualTo(200);
    for (String view : List.of("axial", "coronal", "sagittal")) {
      assertThat(preview.jsonPath().getString("previews." + view))
          .startsWith("data:image/png;base64,");
    }

    Response probabilities =
        given()
            .queryParam("output", "probabilities")
            .contentType("application/octet-stream")
            .body(body)
            .post("/api/v1/segment");
    assertThat(probabilities.statusCode()).isEqualTo(200);
    List<String> entries = new ArrayList<>();
    float[] sum = null;
    try (ZipInputStream zip =
        new ZipInputStream(new ByteArrayInputStream(probabilities.asByteArray()))) {
      for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
        entries.add(e.getName());
        Volume p = NiftiReader.withDefaults().readVolume(zip.readAllBytes());
        assertThat(p.grid().shape()).containsExactly(image.grid().shape());
        if (sum == null) {
          sum = new float[p.data().length];
        }
        for (int i = 0; i < sum.length; i++) {
          sum[i] += p.data()[i];
        }
      }
    }
    assertThat(entries).containsExactly("0-background.nii.gz", "1-organ.nii.gz");
    for (float s : sum) {
      assertThat(s).isCloseTo(1f, org.assertj.core.data.Offset.offset(1e-3f));
    }
  }

  @Test
  @Order(4)
  void badInputsAreProblems() {
    given()
        .queryParam("model", "no-such-model")
        .contentType("application/octet-stream")
        .body(new byte[] {1, 2, 3})
        .post("/api/v1/segment")
        .then()
        .statusCode(400)
        .contentType("application/problem+json");
    given()
        .queryParam("model", MODEL)
        .queryParam("version", "999")
        .contentType("application/octet-stream")
        .body(uncheckedNifti())
        .post("/api/v1/segment")
        .then()
        .statusCode(404)
        .contentType("application/problem+json");
    given()
        .queryParam("model", MODEL)
        .queryParam("postprocess", "smooth")
        .contentType("application/octet-stream")
        .body(uncheckedNifti())
        .post("/api/v1/segment")
        .then()
        .statusCode(400)
        .contentType("application/problem+json")
        .body("detail", org.hamcrest.Matchers.containsString("postprocess"));
  }

  private static byte[] uncheckedNifti() {
    try {
      return SyntheticVolumes.niftiGz(lasImage(3));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  @Order(5)
  void versionsSwapWhileRequestsAreInFlightAndCanBePinned() throws Exception {
    byte[] body = SyntheticVolumes.niftiGz(lasImage(4));
    ExecutorService clients = Executors.newFixedThreadPool(3);
    try {
      List<Future<Integer>> inFlight = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        inFlight.add(
            clients.submit(
                () ->
                    given()
                        .queryParam("output", "volumes")
                        .contentType("application/octet-stream")
                        .body(body)
                        .post("/api/v1/segment")
                        .statusCode()));
      }
      // Two new versions while those run: with 2 versions kept, version 1 is retired mid-flight.
      TestModels.publish(store, s3Config.bucket(), MODEL, "2", List.of("background", "organ-v2"));
      TestModels.publish(store, s3Config.bucket(), MODEL, "3", List.of("background", "organ-v3"));
      for (Future<Integer> f : inFlight) {
        assertThat(f.get()).isEqualTo(200);
      }
    } finally {
      clients.shutdown();
    }
    await().atMost(Duration.ofSeconds(90)).until(() -> versions().equals(List.of("2", "3")));

    Response pinned =
        given()
            .queryParam("model", MODEL)
            .queryParam("version", "2")
            .queryParam("output", "volumes")
            .contentType("application/octet-stream")
            .body(body)
            .post("/api/v1/segment");
    assertThat(pinned.statusCode()).isEqualTo(200);
    assertThat(pinned.header("X-Distillery-Model-Version")).isEqualTo("2");
    assertThat(pinned.jsonPath().getMap("volumesMl")).containsKey("organ-v2");
    Response latest =
        given()
            .queryParam("model", MODEL)
            .queryParam("output", "volumes")
            .contentType("application/octet-stream")
            .body(body)
            .post("/api/v1/segment");
    assertThat(latest.header("X-Distillery-Model-Version")).isEqualTo("3");
    assertThat(latest.jsonPath().getMap("volumesMl")).containsKey("organ-v3");
  }

  @Test
  @Order(6)
  void asyncRequestCompletesWithAStoredLabelMap() throws Exception {
    String bucket = s3Config.bucket();
    Volume image = lasImage(5);
    StoredObject input =
        store.put(
            bucket,
            ObjectKeys.segmentation("req-async-1", "input.nii.gz"),
            SyntheticVolumes.niftiGz(image),
            "application/gzip");
    send(
        new SegmentationRequested(
            "req-async-1",
            new ObjectRef(bucket, input.key(), input.sha256(), input.size(), "application/gzip"),
            MODEL,
            null,
            "labels",
            Instant.now()));
    send(
        new SegmentationRequested(
            "req-async-2",
            new ObjectRef(bucket, input.key(), input.sha256(), input.size(), "application/gzip"),
            "no-such-model",
            null,
            "labels",
            Instant.now()));
    send(
        new SegmentationRequested(
            "req-async-3",
            new ObjectRef(bucket, input.key(), input.sha256(), input.size(), "application/gzip"),
            MODEL,
            null,
            "labels",
            Instant.now(),
            "none"));
    byte[] invalid = "{\"requestId\": \"x\"}".getBytes(StandardCharsets.UTF_8);
    TopicProbe.shared().send(Topics.SEGMENTATION_REQUESTED, "bad", Map.of(), invalid);

    SegmentationCompleted done = awaitCompletion("req-async-1");
    assertThat(done.status()).isEqualTo("SUCCEEDED");
    assertThat(done.engine()).isEqualTo("OnnxRuntime");
    assertThat(done.modelVersion()).isNotBlank();
    assertThat(done.timingsMs()).containsKeys("preprocess", "inference", "store");
    assertThat(done.result().key())
        .isEqualTo(ObjectKeys.segmentation("req-async-1", "labels.nii.gz"));
    try (InputStream in = store.get(bucket, done.result().key(), true)) {
      LabelVolume labels = NiftiReader.withDefaults().readLabels(in, Map.of());
      assertThat(labels.grid().affine().maxAbsDifference(image.grid().affine())).isLessThan(1e-4);
      double dice =
          SyntheticVolumes.dice(
              labels.data(), SyntheticVolumes.truth(image.grid(), CENTRE, RADIUS_MM).data());
      assertThat(dice).isGreaterThan(0.8);
    }
    assertThat(done.volumesMl().values().iterator().next()).isPositive();

    SegmentationCompleted raw = awaitCompletion("req-async-3");
    assertThat(raw.status()).isEqualTo("SUCCEEDED");
    assertThat(raw.volumesMl().values().iterator().next()).isPositive();

    SegmentationCompleted failed = awaitCompletion("req-async-2");
    assertThat(failed.status()).isEqualTo("FAILED");
    assertThat(failed.error()).contains("no-such-model");

    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                TopicProbe.shared()
                    .readAll(Topics.deadLetter(Topics.SEGMENTATION_REQUESTED))
                    .stream()
                    .anyMatch(r -> "bad".equals(r.key())));
  }

  /**
   * A crash after the result and its completion record were stored, before the completion was
   * published: the redelivered request announces what is stored (not a new segmentation), under a
   * ce_id derived from the request, the same on every re-announcement.
   */
  @Test
  @Order(7)
  void aRedeliveredRequestWhoseResultIsStoredIsAnnouncedAgainWithTheSameId() throws Exception {
    String bucket = s3Config.bucket();
    String requestId = "req-stored-1";
    Volume image = lasImage(6);
    StoredObject input = storeInput(requestId, image);
    byte[] labels =
        given()
            .queryParam("model", MODEL)
            .contentType("application/octet-stream")
            .body(SyntheticVolumes.niftiGz(image))
            .post("/api/v1/segment")
            .then()
            .statusCode(200)
            .extract()
            .asByteArray();
    // What the service has stored when it crashes just before publishing.
    StoredObject result =
        store.put(
            bucket,
            ObjectKeys.segmentation(requestId, "labels.nii.gz"),
            labels,
            "application/gzip");
    SegmentationCompleted stored =
        new SegmentationCompleted(
            requestId,
            "SUCCEEDED",
            new ObjectRef(bucket, result.key(), result.sha256(), result.size(), "application/gzip"),
            MODEL,
            "3",
            "OnnxRuntime",
            Map.of("organ-v3", 11.5),
            Map.of("inference", 42.0),
            null,
            Instant.parse("2026-01-02T03:04:05Z"));
    store.put(
        bucket, ObjectKeys.segmentationRecord(requestId), codec.toJson(stored), "application/json");

    send(request(requestId, input));
    List<ConsumerRecord<String, byte[]>> first = awaitCompletions(requestId, 1);
    send(request(requestId, input));
    List<ConsumerRecord<String, byte[]>> both = awaitCompletions(requestId, 2);

    String expectedId =
        CloudEventHeaders.derivedId("SegmentationCompleted", requestId, result.sha256());
    assertThat(decode(first.get(0)).cloudEvent().id()).isEqualTo(expectedId);
    assertThat(decode(first.get(0)).event()).isEqualTo(stored);
    assertThat(both).extracting(r -> decode(r).cloudEvent().id()).containsOnly(expectedId);
    assertThat(both).extracting(r -> decode(r).event()).containsOnly(stored);
  }

  /**
   * A crash after the result was stored, before its completion record: the redelivered request is
   * segmented again and completes (the result alone does not mean "done").
   */
  @Test
  @Order(8)
  void aRedeliveredRequestWhoseResultIsStoredWithoutItsRecordCompletes() throws Exception {
    String bucket = s3Config.bucket();
    String requestId = "req-stored-2";
    Volume image = lasImage(7);
    StoredObject input = storeInput(requestId, image);
    byte[] labels =
        given()
            .queryParam("model", MODEL)
            .contentType("application/octet-stream")
            .body(SyntheticVolumes.niftiGz(image))
            .post("/api/v1/segment")
            .then()
            .statusCode(200)
            .extract()
            .asByteArray();
    store.put(
        bucket, ObjectKeys.segmentation(requestId, "labels.nii.gz"), labels, "application/gzip");

    send(request(requestId, input));

    SegmentationCompleted done = decode(awaitCompletions(requestId, 1).get(0)).event();
    assertThat(done.status()).isEqualTo("SUCCEEDED");
    assertThat(done.result().key()).isEqualTo(ObjectKeys.segmentation(requestId, "labels.nii.gz"));
    assertThat(store.stat(bucket, done.result().key()).sha256()).isEqualTo(done.result().sha256());
    assertThat(store.exists(bucket, ObjectKeys.segmentationRecord(requestId))).isTrue();
  }

  /**
   * A request that fails outside the segmentation (here its stored completion record is unreadable)
   * goes to the dead-letter topic with the reason, and the next request is still served.
   */
  @Test
  @Order(9)
  void aRequestThatCannotBeHandledIsDeadLetteredAndTheNextOneCompletes() throws Exception {
    String bucket = s3Config.bucket();
    StoredObject input = storeInput("req-poison-1", lasImage(8));
    store.put(
        bucket,
        ObjectKeys.segmentationRecord("req-poison-1"),
        "{not json".getBytes(StandardCharsets.UTF_8),
        "application/json");

    send(request("req-poison-1", input));
    send(request("req-after-poison-1", input));

    assertThat(decode(awaitCompletions("req-after-poison-1", 1).get(0)).event().status())
        .isEqualTo("SUCCEEDED");
    assertThat(deadLetterReason(Topics.SEGMENTATION_REQUESTED, "req-poison-1"))
        .contains("InvalidEventException");
  }

  /**
   * A model announcement whose files do not exist goes to the dead-letter topic with the reason,
   * and the next announcement is still installed.
   */
  @Test
  @Order(10)
  void aModelThatCannotBeInstalledIsDeadLetteredAndTheNextOneLoads() throws Exception {
    String missing = "0".repeat(64);
    EncodedEvent poison =
        codec.encode(
            new io.distillery.contracts.events.StudentModelPublished(
                "poison-model",
                "1",
                "job-test",
                "supervised",
                Map.of(
                    "params",
                    new ObjectRef(
                        s3Config.bucket(),
                        ObjectKeys.modelFile("poison-model", "1", "model.params"),
                        missing,
                        10,
                        "application/octet-stream")),
                Map.of("0", "background", "1", "organ"),
                Map.of(),
                Instant.now()),
            "/distillery/tests",
            null);
    TopicProbe.shared().send(poison.topic(), poison.key(), poison.headers(), poison.payload());
    TestModels.publish(
        store, s3Config.bucket(), "after-poison", "1", List.of("background", "organ"));

    await()
        .atMost(Duration.ofSeconds(90))
        .until(
            () ->
                given()
                    .get("/api/v1/models")
                    .then()
                    .extract()
                    .jsonPath()
                    .getList("name", String.class)
                    .contains("after-poison"));
    assertThat(deadLetterReason(Topics.STUDENT_MODEL_PUBLISHED, "poison-model")).isNotBlank();
  }

  @Test
  @Order(11)
  void prometheusHasLatencyPercentilesRequestsAndEngine() {
    String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
    assertThat(metrics)
        .contains(
            "distillery_inference_latency_seconds{engine=\"OnnxRuntime\",model=\""
                + MODEL
                + "\",quantile=\"0.95\"}")
        .contains(
            "distillery_inference_latency_seconds{engine=\"OnnxRuntime\",model=\""
                + MODEL
                + "\",quantile=\"0.99\"}")
        .contains(
            "distillery_inference_latency_seconds_bucket{engine=\"OnnxRuntime\",model=\""
                + MODEL
                + "\"")
        .contains(
            "distillery_inference_requests_total{model=\"" + MODEL + "\",outcome=\"success\"}")
        .contains(
            "distillery_inference_requests_total{model=\"" + MODEL + "\",outcome=\"not_found\"}")
        .contains(
            "distillery_inference_engine_info{engine=\"OnnxRuntime\",model=\""
                + MODEL
                + "\",version=\"3\"} 1.0");
  }

  /**
   * A request over Kafka may only name an image the REST path may read: in the service's bucket,
   * under {@code distillery.inference.object-key-prefixes}. An existing volume outside them and an
   * image in another bucket are dead-lettered with the reason, not segmented.
   */
  @Test
  @Order(12)
  void aRequestNamingAnImageOutsideTheAllowedKeysIsDeadLettered() throws Exception {
    StoredObject volume =
        store.put(
            s3Config.bucket(),
            ObjectKeys.volumeImage("vol-outside-prefixes"),
            SyntheticVolumes.niftiGz(lasImage(12)),
            "application/gzip");
    send(request("req-outside-prefixes", volume));
    send(
        request(
            "req-other-bucket",
            new StoredObject(
                "another-bucket",
                ObjectKeys.segmentation("req-other-bucket", "input.nii.gz"),
                volume.size(),
                volume.sha256(),
                "application/gzip",
                null)));

    assertThat(deadLetterReason(Topics.SEGMENTATION_REQUESTED, "req-outside-prefixes"))
        .contains("object-key-prefixes");
    assertThat(deadLetterReason(Topics.SEGMENTATION_REQUESTED, "req-other-bucket"))
        .contains("another-bucket");
    assertThat(
            TopicProbe.shared().readAll(Topics.SEGMENTATION_COMPLETED).stream()
                .map(ConsumerRecord::key))
        .doesNotContain("req-outside-prefixes", "req-other-bucket");
  }

  private void send(SegmentationRequested request) {
    EncodedEvent e = codec.encode(request, "/distillery/tests", null);
    TopicProbe.shared().send(e.topic(), e.key(), e.headers(), e.payload());
  }

  private StoredObject storeInput(String requestId, Volume image) throws java.io.IOException {
    return store.put(
        s3Config.bucket(),
        ObjectKeys.segmentation(requestId, "input.nii.gz"),
        SyntheticVolumes.niftiGz(image),
        "application/gzip");
  }

  private static SegmentationRequested request(String requestId, StoredObject input) {
    return new SegmentationRequested(
        requestId,
        new ObjectRef(
            input.bucket(), input.key(), input.sha256(), input.size(), "application/gzip"),
        MODEL,
        null,
        "labels",
        Instant.now());
  }

  /** Waits until {@code count} completions of the request are on the topic, and returns them. */
  private List<ConsumerRecord<String, byte[]>> awaitCompletions(String requestId, int count) {
    List<ConsumerRecord<String, byte[]>> found = new ArrayList<>();
    await()
        .atMost(Duration.ofSeconds(90))
        .until(
            () -> {
              found.clear();
              for (ConsumerRecord<String, byte[]> r :
                  TopicProbe.shared().readAll(Topics.SEGMENTATION_COMPLETED)) {
                if (requestId.equals(r.key())) {
                  found.add(r);
                }
              }
              return found.size() >= count;
            });
    return found;
  }

  /** Waits for the dead letter of {@code key} on {@code topic}'s DLQ and returns its reason. */
  private static String deadLetterReason(String topic, String key) {
    String[] reason = new String[1];
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> {
              for (ConsumerRecord<String, byte[]> r :
                  TopicProbe.shared().readAll(Topics.deadLetter(topic))) {
                Header h = r.headers().lastHeader(Topics.DEAD_LETTER_REASON_HEADER);
                if (key.equals(r.key()) && h != null) {
                  reason[0] = new String(h.value(), StandardCharsets.UTF_8);
                  return true;
                }
              }
              return false;
            });
    return reason[0];
  }

  private DecodedEvent<SegmentationCompleted> decode(ConsumerRecord<String, byte[]> r) {
    Map<String, byte[]> headers = new HashMap<>();
    for (Header h : r.headers()) {
      headers.put(h.key(), h.value());
    }
    return codec.decode(headers, r.value(), SegmentationCompleted.class);
  }

  private SegmentationCompleted awaitCompletion(String requestId) {
    SegmentationCompleted[] found = new SegmentationCompleted[1];
    await()
        .atMost(Duration.ofSeconds(90))
        .until(
            () -> {
              for (ConsumerRecord<String, byte[]> r :
                  TopicProbe.shared().readAll(Topics.SEGMENTATION_COMPLETED)) {
                if (requestId.equals(r.key())) {
                  Map<String, byte[]> headers = new HashMap<>();
                  for (Header h : r.headers()) {
                    headers.put(h.key(), h.value());
                  }
                  found[0] = codec.decode(headers, r.value(), SegmentationCompleted.class).event();
                  return true;
                }
              }
              return false;
            });
    return found[0];
  }
}
