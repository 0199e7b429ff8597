package io.distillery.trainer;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import ai.djl.ndarray.NDManager;
import ai.onnx.proto.OnnxMl;
import io.distillery.contracts.EventCodec;
import io.distillery.contracts.ObjectRef;
import io.distillery.contracts.Topics;
import io.distillery.contracts.events.StudentModelPublished;
import io.distillery.contracts.events.TeacherModelPublished;
import io.distillery.contracts.events.TrainingProgressed;
import io.distillery.contracts.events.TrainingRequested;
import io.distillery.contracts.events.VolumeIngested;
import io.distillery.devstack.DevStackTestResource;
import io.distillery.devstack.TopicProbe;
import io.distillery.objectstore.ObjectStore;
import io.distillery.segml.checkpoint.Checkpoint;
import io.distillery.segml.checkpoint.ModelCard;
import io.distillery.segml.engine.EngineSelector;
import io.distillery.segml.engine.InferenceEngine;
import io.distillery.servicekit.S3Config;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Every job kind and method for a few steps on small volumes, against the real devstack broker and
 * S3 server: {@link TestCatalog}'s crops of {@code ../shared/data} (btcv-ct-4organ CT, chaos-mr MR)
 * when present, else its synthetic volumes (the log says which); the inputs (volumes, labels,
 * teacher soft labels and their events) are written by the test as the ingest and teacher services
 * would; each job must end SUCCEEDED with the right published event and model files that load
 * (params through {@link Checkpoint#load}, ONNX through the engine selection).
 */
@QuarkusTest
@Tag("quarkus")
@QuarkusTestResource(value = DevStackTestResource.class, restrictToAnnotatedClass = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TrainingJobsTest {

  private static final String TINY =
      """
      "network": {"name": "%s", "baseWidth": 8, "depth": 2},
      "budget": {"steps": 4, "batchSize": 2, "patchSize": [16, 16, 16], "spacingMm": %s,
                 "stepsPerEpoch": 2, "checkpointEvery": 2, "progressEvery": 2},
      "seed": 7
      """;

  @Inject ObjectStore store;
  @Inject S3Config s3Config;
  private final EventCodec codec = new EventCodec();
  private TopicProbe probe;

  @BeforeAll
  void catalogue() throws Exception {
    probe = TopicProbe.shared();
    String bucket = s3Config.bucket();
    store.ensureBucket(bucket);
    TestCatalog data = new TestCatalog(store, bucket, probe);
    Map<String, String> both = Map.of("1", "liver", "2", "spleen");
    List<String> all = List.of("background", "liver", "spleen");
    for (int s = 1; s <= 2; s++) {
      VolumeIngested multi = data.volume("cat-multi", "train", s, "CT", both);
      data.teacherOutputs("multi-teacher", multi, all, s);
      VolumeIngested liver = data.volume("cat-liver", "train", 10 + s, "CT", Map.of("1", "liver"));
      data.teacherOutputs("liver-teacher", liver, List.of("background", "liver"), 10 + s);
      data.teacherOutputs("spleen-teacher", liver, List.of("background", "spleen"), 10 + s);
      // Teachers that also stored feature maps (3 and 2 channels) for MS-KD's feature-wise term.
      data.teacherOutputs("liver-teacher-f", liver, List.of("background", "liver"), 10 + s, 3);
      data.teacherOutputs("spleen-teacher-f", liver, List.of("background", "spleen"), 10 + s, 2);
      VolumeIngested spleen =
          data.volume("cat-spleen", "train", 20 + s, "CT", Map.of("1", "spleen"));
      data.teacherOutputs("liver-teacher", spleen, List.of("background", "liver"), 20 + s);
      data.teacherOutputs("spleen-teacher", spleen, List.of("background", "spleen"), 20 + s);
      data.teacherOutputs("liver-teacher-f", spleen, List.of("background", "liver"), 20 + s, 3);
      data.teacherOutputs("spleen-teacher-f", spleen, List.of("background", "spleen"), 20 + s, 2);
      VolumeIngested unlabelled = data.volume("cat-pool", "unlabelled", 30 + s, "CT", Map.of());
      data.teacherOutputs("ct-teacher-1", unlabelled, all, 30 + s);
      data.teacherOutputs("ct-teacher-2", unlabelled, all, 30 + s);
      data.volume("cat-mr", "train", 40 + s, "MR", both);
    }
    data.volume("cat-multi", "val", 50, "CT", both);
    data.volume("cat-mr", "val", 51, "MR", both);
  }

  @Test
  void everyJobKindAndMethodTrainsAndPublishes() throws Exception {
    String classes = "\"classes\": [\"background\", \"liver\", \"spleen\"],";
    String validation = "\"validation\": [{\"id\": \"cat-multi\", \"split\": \"val\"}],";
    // teacher (supervised, multi-organ) — also the MSKD teacher below
    String teacher =
        submit(
            "{\"jobId\": \"t-multi\", \"kind\": \"teacher\", \"modelName\": \"multi-net\", "
                + classes
                + validation
                + "\"datasets\": [{\"id\": \"cat-multi\"}],"
                + TINY.formatted("UNet3d", TestCatalog.trainingSpacingMm())
                + "}");
    awaitSucceeded(teacher);
    // a single-organ teacher from a binary-labelled dataset, as YAML
    String yaml =
        """
        jobId: t-liver
        kind: teacher
        modelName: liver-net
        classes: [background, liver]
        datasets: [{id: cat-liver}]
        network: {name: UNet3d, baseWidth: 8, depth: 2}
        budget: {steps: 2, batchSize: 1, patchSize: 16, spacingMm: %s, checkpointEvery: 1}
        """
            .formatted(TestCatalog.trainingSpacingMm());
    given()
        .contentType("application/yaml")
        .body(yaml.getBytes(java.nio.charset.StandardCharsets.UTF_8))
        .post("/api/v1/jobs")
        .then()
        .statusCode(202);
    awaitSucceeded("t-liver");

    String lite = TINY.formatted("LiteUNet3d", TestCatalog.trainingSpacingMm());
    submit(
        "{\"jobId\": \"d-kd\", \"kind\": \"distill\", \"method\": \"kd\", "
            + classes
            + validation
            + "\"datasets\": [{\"id\": \"cat-multi\"}], \"teachers\": [\"multi-teacher\"],"
            + lite
            + "}");
    // kd from the two single-organ teachers: their stored [background, organ] soft labels are
    // combined per voxel into one target over the job's three classes.
    submit(
        "{\"jobId\": \"d-kd-organs\", \"kind\": \"distill\", \"method\": \"kd\", "
            + classes
            + validation
            + "\"datasets\": [{\"id\": \"cat-liver\"}, {\"id\": \"cat-spleen\"}],"
            + "\"teachers\": [\"liver-teacher\", \"spleen-teacher@1\"],"
            + lite
            + "}");
    // A class no teacher stores: the job fails before training, with the reason.
    submit(
        "{\"jobId\": \"d-kd-uncovered\", \"kind\": \"distill\", \"method\": \"kd\", "
            + classes
            + "\"datasets\": [{\"id\": \"cat-liver\"}], \"teachers\": [\"liver-teacher\"],"
            + lite
            + "}");
    submit(
        "{\"jobId\": \"d-mskd-feng\", \"kind\": \"distill\", \"method\": \"ms-kd\", "
            + classes
            + validation
            + "\"datasets\": [{\"id\": \"cat-liver\"}, {\"id\": \"cat-spleen\"}],"
            + "\"teachers\": [\"liver-teacher\", \"spleen-teacher@1\"],"
            + lite
            + "}");
    // ms-kd with stored teacher feature maps: logit-wise + feature-wise terms
    submit(
        "{\"jobId\": \"d-mskd-feat\", \"kind\": \"distill\", \"method\": \"ms-kd\", "
            + classes
            + validation
            + "\"datasets\": [{\"id\": \"cat-liver\"}, {\"id\": \"cat-spleen\"}],"
            + "\"teachers\": [\"liver-teacher-f\", \"spleen-teacher-f\"],"
            + lite
            + "}");
    submit(
        "{\"jobId\": \"d-mskd\", \"kind\": \"distill\", \"method\": \"mskd\", "
            + classes
            + validation
            + "\"datasets\": [{\"id\": \"cat-multi\"}], \"teachers\": [\"multi-net\"],"
            + lite
            + "}");
    submit(
        "{\"jobId\": \"d-ct-off\", \"kind\": \"distill\", \"method\": \"cross-teaching-offline\", "
            + classes
            + validation
            + "\"datasets\": [{\"id\": \"cat-pool\", \"split\": \"unlabelled\"}],"
            + "\"teachers\": [\"ct-teacher-1\", \"ct-teacher-2\"],"
            + lite
            + "}");
    // cross-teaching-online arrives over Kafka, as TrainingRequested
    var spec =
        codec
            .mapper()
            .readTree(
                "{"
                    + classes
                    + validation
                    + "\"datasets\": [{\"id\": \"cat-multi\"}],"
                    + "\"unlabelled\": [{\"id\": \"cat-pool\", \"split\": \"unlabelled\"}],"
                    + "\"teacherNetwork\": {\"name\": \"UNet3d\", \"baseWidth\": 8, \"depth\": 2},"
                    // T1 and T2 are published as teachers too (applyTo: training set + pool)
                    + "\"publishTeachers\": [\"c-online-t1\", \"c-online-t2\"],"
                    + lite
                    + "}");
    new TestCatalog(store, s3Config.bucket(), probe)
        .send(
            new TrainingRequested(
                "c-online", "co-train", "cross-teaching-online", spec, "test", Instant.now()));

    for (String job :
        List.of(
            "d-kd",
            "d-kd-organs",
            "d-mskd-feng",
            "d-mskd-feat",
            "d-mskd",
            "d-ct-off",
            "c-online")) {
      awaitSucceeded(job);
    }

    assertThat(awaitFailed("d-kd-uncovered"))
        .contains("[spleen] are stored by none of the teachers")
        .contains("liver-teacher@1 stores [background, liver]");
    given()
        .get("/api/v1/jobs/d-kd-uncovered")
        .then()
        .statusCode(200)
        .body("step", org.hamcrest.Matchers.equalTo(0));

    // Published events and loadable artifacts
    Map<String, TeacherModelPublished> teachers = new HashMap<>();
    Map<String, TeacherModelPublished> teachersById = new HashMap<>();
    for (ConsumerRecord<String, byte[]> r : probe.readAll(Topics.TEACHER_MODEL_PUBLISHED)) {
      TeacherModelPublished e =
          codec.decode(headers(r), r.value(), TeacherModelPublished.class).event();
      teachers.put(e.jobId(), e);
      teachersById.put(e.teacherId(), e);
    }
    assertThat(teachers).containsKeys("t-multi", "t-liver");
    assertThat(teachers.get("t-liver").outputClasses()).containsEntry("1", "liver").hasSize(2);
    assertLoads(teachers.get("t-multi").files(), "onnx");
    // Trainer-published teachers declare their last decoder stage, an output of their ONNX model.
    assertThat(teachers.get("t-multi").featureTap()).isEqualTo("feature.decoder.0");
    ObjectRef onnx = teachers.get("t-multi").files().get("onnx");
    try (InputStream in = store.get(onnx.bucket(), onnx.key(), true)) {
      assertThat(OnnxMl.ModelProto.parseFrom(in).getGraph().getOutputList())
          .extracting(OnnxMl.ValueInfoProto::getName)
          .containsExactly("logits", "feature.decoder.0");
    }

    // cross-teaching-online with publishTeachers: T1 (transposed-conv up-sampling) and T2
    // (interpolation up-sampling) published like a teacher job's teacher, plus the student.
    assertThat(teachersById.values().stream().filter(t -> "c-online".equals(t.jobId())).toList())
        .extracting(TeacherModelPublished::teacherId)
        .containsExactlyInAnyOrder("c-online-t1", "c-online-t2");
    Map<String, String> upsampling =
        Map.of("c-online-t1", "TRANSPOSED_CONV", "c-online-t2", "TRILINEAR");
    for (String id : List.of("c-online-t1", "c-online-t2")) {
      TeacherModelPublished t = teachersById.get(id);
      assertThat(t.version()).isEqualTo("1");
      assertThat(t.format()).isEqualTo("djl");
      assertThat(t.modality()).isEqualTo("CT");
      assertThat(t.datasets()).containsExactly("cat-multi", "cat-pool");
      assertThat(t.outputClasses()).containsEntry("0", "background").containsEntry("2", "spleen");
      assertThat(t.files()).containsKeys("params", "onnx", "modelCard");
      assertThat(t.manifest().key()).isEqualTo("teachers/" + id + "/1/manifest.json");
      try (InputStream in = store.get(t.manifest().bucket(), t.manifest().key(), true)) {
        var manifest = codec.mapper().readTree(in);
        assertThat(manifest.get("teacherId").asText()).isEqualTo(id);
        assertThat(manifest.get("datasets").toString()).isEqualTo("[\"cat-multi\",\"cat-pool\"]");
        assertThat(manifest.get("featureTap").asText()).isEqualTo("feature.decoder.0");
      }
      // The declared tap is an output of the teacher's own ONNX model (its residual decoder).
      assertThat(t.featureTap()).isEqualTo("feature.decoder.0");
      ObjectRef teacherOnnx = t.files().get("onnx");
      try (InputStream in = store.get(teacherOnnx.bucket(), teacherOnnx.key(), true)) {
        assertThat(OnnxMl.ModelProto.parseFrom(in).getGraph().getOutputList())
            .extracting(OnnxMl.ValueInfoProto::getName)
            .containsExactly("logits", "feature.decoder.0");
      }
      ModelCard card = assertLoads(t.files(), "onnx");
      assertThat(card.name()).isEqualTo(id);
      assertThat(card.architecture().upsampling().name()).isEqualTo(upsampling.get(id));
      assertThat(card.architecture().residual()).isTrue();
    }
    given()
        .get("/api/v1/jobs/c-online")
        .then()
        .statusCode(200)
        .body("published.'c-online-t1/onnx'", org.hamcrest.Matchers.notNullValue())
        .body("published.'c-online-t2/manifest'", org.hamcrest.Matchers.notNullValue())
        .body("published.onnx", org.hamcrest.Matchers.notNullValue());

    Map<String, StudentModelPublished> students = new HashMap<>();
    for (ConsumerRecord<String, byte[]> r : probe.readAll(Topics.STUDENT_MODEL_PUBLISHED)) {
      StudentModelPublished e =
          codec.decode(headers(r), r.value(), StudentModelPublished.class).event();
      students.put(e.jobId(), e);
    }
    assertThat(students)
        .containsKeys(
            "d-kd", "d-kd-organs", "d-mskd-feng", "d-mskd-feat", "d-mskd", "d-ct-off", "c-online");
    assertThat(students.get("d-kd-organs").method()).isEqualTo("kd");
    assertThat(students.get("d-mskd-feng").method()).isEqualTo("ms-kd");
    assertThat(students.get("d-mskd-feat").method()).isEqualTo("ms-kd");
    assertThat(students.get("d-kd").metrics())
        .containsKeys("dice/liver", "dice/spleen", "hd95/liver");
    for (StudentModelPublished s : students.values()) {
      assertLoads(s.files(), s.files().containsKey("onnx") ? "onnx" : "onnx-MR");
    }

    // Progress: events, REST and Prometheus
    List<TrainingProgressed> progress =
        probe.readAll(Topics.TRAINING_PROGRESSED).stream()
            .map(r -> codec.decode(headers(r), r.value(), TrainingProgressed.class).event())
            .filter(p -> p.jobId().equals("d-kd"))
            .toList();
    assertThat(progress)
        .extracting(TrainingProgressed::state)
        .contains("QUEUED", "RUNNING", "SUCCEEDED");
    assertThat(progress)
        .anySatisfy(
            p -> {
              assertThat(p.losses()).containsKeys("kd", "partial", "total");
              assertThat(p.dataWaitFraction()).isBetween(0.0, 1.0);
              assertThat(p.etaSeconds()).isNotNull();
            });
    // ms-kd: teachers without feature maps give the logit-wise term only; with them, both terms.
    assertThat(lossesOf("d-mskd-feng"))
        .isNotEmpty()
        .allSatisfy(l -> assertThat(l).containsKey("logit").doesNotContainKey("feature"));
    assertThat(lossesOf("d-mskd-feat"))
        .isNotEmpty()
        .allSatisfy(
            l -> {
              assertThat(l).containsKeys("logit", "feature", "total");
              assertThat(l.get("feature")).isFinite().isGreaterThanOrEqualTo(0.0);
            });
    // kd from single-organ teachers: a finite distillation loss on the combined target.
    assertThat(lossesOf("d-kd-organs"))
        .isNotEmpty()
        .allSatisfy(
            l -> {
              assertThat(l).containsKeys("kd", "total");
              assertThat(l.get("kd")).isFinite().isGreaterThanOrEqualTo(0.0);
            });
    given()
        .get("/api/v1/jobs/d-kd")
        .then()
        .statusCode(200)
        .body("state", org.hamcrest.Matchers.equalTo("SUCCEEDED"))
        .body("lastCheckpointStep", org.hamcrest.Matchers.equalTo(2))
        .body("validation.'dice/liver'", org.hamcrest.Matchers.notNullValue());
    given()
        .get("/api/v1/jobs")
        .then()
        .statusCode(200)
        .body("jobId", org.hamcrest.Matchers.hasItems("d-kd", "c-online"));
    given()
        .get("/q/metrics")
        .then()
        .statusCode(200)
        .body(containsString("distillery_training_loss{component=\"kd\",job_id=\"d-kd\"}"))
        .body(containsString("distillery_training_data_wait_ratio{job_id=\"d-kd\"}"))
        .body(
            containsString(
                "distillery_training_validation_dice{class=\"liver\",job_id=\"d-kd\",modality=\"all\"}"))
        .body(containsString("distillery_training_step_seconds"));
    assertThat(
            store.exists(s3Config.bucket(), "jobs/d-kd/checkpoints/step-0000000002/position.json"))
        .isTrue();
  }

  /**
   * Unpaired CT/MR co-training: one model per modality from one job; with {@code sharedNorms} the
   * two per-modality models are the same network.
   */
  @Test
  void unpairedCtMrCoTrainingPublishesOneModelPerModality() throws Exception {
    String classes = "\"classes\": [\"background\", \"liver\", \"spleen\"],";
    String lite = TINY.formatted("LiteUNet3d", TestCatalog.trainingSpacingMm());
    String common =
        "\"kind\": \"co-train\", \"method\": \"unpaired-ct-mr\", "
            + classes
            + "\"validation\": [{\"id\": \"cat-multi\", \"split\": \"val\"}, {\"id\": \"cat-mr\", \"split\": \"val\"}],"
            + "\"datasets\": [{\"id\": \"cat-multi\"}, {\"id\": \"cat-mr\"}],"
            + lite;
    submit("{\"jobId\": \"c-unpaired\", " + common + "}");
    // Everything shared, norms included; the prototype KD keeps its default weight (0.5).
    submit(
        "{\"jobId\": \"c-unpaired-shared\", \"hyperParameters\": {\"sharedNorms\": true}, "
            + common
            + "}");
    awaitSucceeded("c-unpaired");
    awaitSucceeded("c-unpaired-shared");
    Map<String, StudentModelPublished> students = new HashMap<>();
    for (ConsumerRecord<String, byte[]> r : probe.readAll(Topics.STUDENT_MODEL_PUBLISHED)) {
      StudentModelPublished e =
          codec.decode(headers(r), r.value(), StudentModelPublished.class).event();
      students.put(e.jobId(), e);
    }
    assertThat(students.get("c-unpaired").files())
        .containsKeys("onnx-CT", "onnx-MR", "params", "modelCard");
    assertThat(students.get("c-unpaired").metrics())
        .containsKeys("CT/dice/liver", "MR/dice/spleen");
    // Each modality's validation Dice is a series of its own on /q/metrics.
    given()
        .get("/q/metrics")
        .then()
        .statusCode(200)
        .body(
            containsString(
                "distillery_training_validation_dice{class=\"liver\",job_id=\"c-unpaired\",modality=\"CT\"}"))
        .body(
            containsString(
                "distillery_training_validation_dice{class=\"liver\",job_id=\"c-unpaired\",modality=\"MR\"}"));
    assertLoads(students.get("c-unpaired").files(), "onnx-MR");

    StudentModelPublished shared = students.get("c-unpaired-shared");
    assertThat(shared.files()).containsKeys("onnx-CT", "onnx-MR", "params", "modelCard");
    assertThat(shared.metrics()).containsKeys("CT/dice/liver", "MR/dice/spleen");
    assertThat(lossesOf("c-unpaired-shared"))
        .isNotEmpty()
        .allSatisfy(l -> assertThat(l).containsKeys("diceCt", "diceMr", "kd", "total"));
    ModelCard card = assertLoads(shared.files(), "onnx-CT");
    assertLoads(shared.files(), "onnx-MR");
    assertThat(card.modalities()).containsExactly("CT", "MR");
    assertThat(card.architecture().normSets()).isEqualTo(2);
    assertThat(card.hyperParameters()).containsEntry("sharedNorms", true);
    // The two per-modality ONNX files hold the same graph (weights included); only the doc
    // string naming the norm set differs.
    OnnxMl.GraphProto ct;
    OnnxMl.GraphProto mr;
    try (InputStream in = store.get(s3Config.bucket(), shared.files().get("onnx-CT").key(), true)) {
      ct = OnnxMl.ModelProto.parseFrom(in).getGraph();
    }
    try (InputStream in = store.get(s3Config.bucket(), shared.files().get("onnx-MR").key(), true)) {
      mr = OnnxMl.ModelProto.parseFrom(in).getGraph();
    }
    assertThat(mr).isEqualTo(ct);
    // ... and so do the params: every instance norm's CT and MR rows are equal.
    Path dir = Files.createTempDirectory("shared");
    for (String role : List.of("params", "modelCard")) {
      ObjectRef ref = shared.files().get(role);
      try (InputStream in = store.get(ref.bucket(), ref.key(), true)) {
        Files.copy(
            in, dir.resolve(role.equals("params") ? Checkpoint.PARAMS_FILE : Checkpoint.CARD_FILE));
      }
    }
    try (NDManager manager = NDManager.newBaseManager()) {
      int norms = 0;
      for (var p : Checkpoint.load(dir, manager).network().getParameters()) {
        var a = p.getValue().getArray();
        if (p.getValue().getType() == ai.djl.nn.Parameter.Type.GAMMA
            || p.getValue().getType() == ai.djl.nn.Parameter.Type.BETA) {
          assertThat(a.get(1).toFloatArray())
              .as(p.getKey())
              .containsExactly(a.get(0).toFloatArray());
          norms++;
        }
      }
      assertThat(norms).isPositive();
    }
  }

  @Test
  void invalidSpecsAreRefusedWithTheReason() {
    given()
        .contentType("application/json")
        .body(
            "{\"kind\": \"distill\", \"method\": \"ms-kd\", \"classes\": [\"background\"], \"datasets\": [],"
                + " \"budget\": {\"steps\": 0, \"patchSize\": [15, 16, 16]}}")
        .post("/api/v1/jobs")
        .then()
        .statusCode(400)
        .contentType("application/problem+json")
        .body("detail", containsString("classes must name at least background"))
        .body("detail", containsString("datasets must name at least one"))
        .body("detail", containsString("budget.steps must be in"))
        .body("detail", containsString("ms-kd needs 1 to 0 teacher(s)"))
        .body("detail", containsString("budget.patchSize values must be multiples of 8"));
    given()
        .contentType("application/json")
        .body("{\"kind\": \"nonsense\"}")
        .post("/api/v1/jobs")
        .then()
        .statusCode(400)
        .body("detail", containsString("is not supported"));
    given().get("/api/v1/jobs/unknown-job").then().statusCode(404);
    given()
        .contentType("application/json")
        .body("{\"kind\": \"nonsense\"}")
        .post("/api/v1/jobs/resolve")
        .then()
        .statusCode(400)
        .body("detail", containsString("is not supported"));
  }

  @Test
  void aSpecIsResolvedWithTheTrainersDefaultsWithoutBeingSubmitted() {
    given()
        .contentType("application/yaml")
        .body(
            """
            jobId: resolve-only
            kind: teacher
            modelName: liver-net
            classes: [background, liver]
            datasets: [{id: cat-liver}]
            network: {name: UNet3d, baseWidth: 8, depth: 2}
            budget: {steps: 2, batchSize: 1, patchSize: 16}
            hyperParameters: {learningRate: 0.003}
            """
                .getBytes(java.nio.charset.StandardCharsets.UTF_8))
        .post("/api/v1/jobs/resolve")
        .then()
        .statusCode(200)
        .body("jobId", equalTo("resolve-only"))
        .body("hyperParameters.learningRate", equalTo(0.003f))
        .body("hyperParameters.warmupSteps", notNullValue())
        .body("hyperParameters.deepSupervision", equalTo(true));
    given().get("/api/v1/jobs/resolve-only").then().statusCode(404);

    // The same refusal on Kafka ends in the dead-letter topic with the reason.
    var bad = codec.mapper().createObjectNode().put("classes", "not-a-list");
    new TestCatalog(store, s3Config.bucket(), probe)
        .send(
            new TrainingRequested("bad-job", "teacher", "supervised", bad, "test", Instant.now()));
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(probe.readAll(Topics.deadLetter(Topics.TRAINING_REQUESTED)))
                    .anySatisfy(
                        r -> {
                          assertThat(r.key()).isEqualTo("bad-job");
                          assertThat(
                                  new String(
                                      r.headers()
                                          .lastHeader(Topics.DEAD_LETTER_REASON_HEADER)
                                          .value()))
                              .contains("classes is required");
                        }));
  }

  /** The loss components of every progress report of {@code jobId} that carries losses. */
  private List<Map<String, Double>> lossesOf(String jobId) {
    return probe.readAll(Topics.TRAINING_PROGRESSED).stream()
        .map(r -> codec.decode(headers(r), r.value(), TrainingProgressed.class).event())
        .filter(p -> p.jobId().equals(jobId) && p.losses() != null && !p.losses().isEmpty())
        .map(TrainingProgressed::losses)
        .toList();
  }

  private String submit(String json) {
    return given()
        .contentType("application/json")
        .body(json)
        .post("/api/v1/jobs")
        .then()
        .log()
        .ifValidationFails()
        .statusCode(202)
        .extract()
        .path("jobId");
  }

  private void awaitSucceeded(String jobId) {
    await()
        .atMost(Duration.ofMinutes(3))
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(
            () -> {
              String state =
                  given()
                      .get("/api/v1/jobs/" + jobId)
                      .then()
                      .statusCode(200)
                      .extract()
                      .path("state");
              if ("FAILED".equals(state) || "CANCELLED".equals(state)) {
                throw new AssertionError(
                    "job "
                        + jobId
                        + " ended "
                        + state
                        + ": "
                        + given().get("/api/v1/jobs/" + jobId).then().extract().path("message"));
              }
              assertThat(state).as("state of %s", jobId).isEqualTo("SUCCEEDED");
            });
  }

  /** Waits for {@code jobId} to fail and returns its message. */
  private String awaitFailed(String jobId) {
    await()
        .atMost(Duration.ofMinutes(3))
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(
            () ->
                assertThat(
                        given()
                            .get("/api/v1/jobs/" + jobId)
                            .then()
                            .statusCode(200)
                            .extract()
                            .<String>path("state"))
                    .as("state of %s", jobId)
                    .isEqualTo("FAILED"));
    return given().get("/api/v1/jobs/" + jobId).then().extract().path("message");
  }

  /**
   * Loads params + card through {@link Checkpoint#load} and runs the ONNX file of {@code onnxRole}
   * on ONNX Runtime through the engine selection; returns the model card.
   */
  private ModelCard assertLoads(Map<String, ObjectRef> files, String onnxRole) throws Exception {
    Path dir = Files.createTempDirectory("published");
    for (String role : List.of("params", "modelCard", onnxRole)) {
      ObjectRef ref = files.get(role);
      assertThat(ref).as(role).isNotNull();
      try (InputStream in = store.get(ref.bucket(), ref.key(), true)) {
        String name =
            role.equals("params")
                ? Checkpoint.PARAMS_FILE
                : role.equals("modelCard") ? Checkpoint.CARD_FILE : "model.onnx";
        Files.copy(in, dir.resolve(name));
      }
    }
    try (NDManager manager = NDManager.newBaseManager()) {
      Checkpoint.Loaded loaded = Checkpoint.load(dir, manager);
      assertThat(loaded.card().labelNames()).first().isEqualTo("background");
      var selection =
          EngineSelector.select(
              new EngineSelector.Models(
                  dir.resolve("model.onnx"), null, 1, null, loaded.network(), 0, 1),
              List.of(InferenceEngine.ONNX_RUNTIME));
      assertThat(selection.engine()).isEqualTo(InferenceEngine.ONNX_RUNTIME);
      try (var predictor = selection.predictor()) {
        float[] logits = predictor.predict(new float[16 * 16 * 16], 1, new int[] {16, 16, 16});
        assertThat(logits).hasSize(loaded.network().outChannels() * 16 * 16 * 16);
      }
      return loaded.card();
    }
  }

  private static Map<String, byte[]> headers(ConsumerRecord<String, byte[]> r) {
    Map<String, byte[]> h = new HashMap<>();
    for (Header header : r.headers()) {
      h.put(header.key(), header.value());
    }
    return h;
  }
}
