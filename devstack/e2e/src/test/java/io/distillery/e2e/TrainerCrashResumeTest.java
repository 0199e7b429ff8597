package io.distillery.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.distillery.contracts.EncodedEvent;
import io.distillery.contracts.EventCodec;
import io.distillery.contracts.ObjectKeys;
import io.distillery.contracts.ObjectRef;
import io.distillery.contracts.Topics;
import io.distillery.contracts.events.TeacherModelPublished;
import io.distillery.contracts.events.TrainingProgressed;
import io.distillery.contracts.events.VolumeIngested;
import io.distillery.devstack.DevStack;
import io.distillery.devstack.TopicProbe;
import io.distillery.objectstore.MinioObjectStore;
import io.distillery.objectstore.ObjectStore;
import io.distillery.objectstore.S3Settings;
import io.distillery.objectstore.StoredObject;
import io.distillery.volumeio.Affine;
import io.distillery.volumeio.Grid;
import io.distillery.volumeio.LabelVolume;
import io.distillery.volumeio.Modality;
import io.distillery.volumeio.Volume;
import io.distillery.volumeio.VolumeMetadata;
import io.distillery.volumeio.nifti.NiftiWriter;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code kill -9} of the student-trainer in the middle of a job: the real service jar runs as a
 * child process against a real broker and S3 server (devstack, in this JVM); a tiny supervised job
 * is killed with SIGKILL ({@link Process#destroyForcibly()}) once a checkpoint exists, the service
 * is started again, and the job resumes from that checkpoint (its step count continues), finishes
 * and publishes its model. A second, uninterrupted job with the same spec and seed then runs in the
 * same process, and the two published weight files are compared.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TrainerCrashResumeTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String DATASET = "resume-data";
  private static final int SIZE = 24;
  private static final long STEPS = 30;
  private static final long CHECKPOINT_EVERY = 5;

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private final EventCodec codec = new EventCodec();
  private DevStack stack;
  private ObjectStore store;
  private TopicProbe probe;
  private Path jar;
  private Path logDir;
  private Process trainer;
  private int port;

  @BeforeAll
  void startStack() throws Exception {
    Path repo = Path.of(System.getProperty("distillery.root")).toAbsolutePath().normalize();
    jar = repo.resolve("student-trainer/target/quarkus-app/quarkus-run.jar");
    assertThat(jar).as("the student-trainer jar; build the services first").exists();
    logDir = Files.createTempDirectory(repo.resolve("devstack/e2e/target"), "trainer-resume-");
    stack = DevStack.start();
    store =
        MinioObjectStore.create(
            S3Settings.of(stack.endpoint(), stack.accessKey(), stack.secretKey()));
    store.ensureBucket(stack.bucket());
    probe = new TopicProbe(stack.bootstrapServers());
    for (int seed = 1; seed <= 2; seed++) {
      publishVolume(seed);
    }
  }

  @AfterAll
  void stopStack() throws Exception {
    if (trainer != null && trainer.isAlive()) {
      trainer.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
    if (store != null) {
      store.close();
    }
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void aJobKilledWithSigkillResumesFromItsLastCheckpointAndPublishesItsModel() throws Exception {
    port = freePort();
    trainer = startTrainer("first");
    submit(spec("resume-killed", "resume-net"));

    // Kill as soon as a checkpoint is recorded and before the job ends.
    long[] seen = new long[2];
    await()
        .atMost(Duration.ofMinutes(3))
        .pollInterval(Duration.ofMillis(50))
        .until(
            () -> {
              JsonNode job = job("resume-killed");
              seen[0] = job.path("lastCheckpointStep").asLong();
              seen[1] = job.path("step").asLong();
              return seen[0] >= CHECKPOINT_EVERY;
            });
    trainer.destroyForcibly();
    assertThat(trainer.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(trainer.exitValue()).as("exit status of SIGKILL").isEqualTo(137);
    JsonNode stored;
    try (InputStream in = store.get(stack.bucket(), ObjectKeys.jobState("resume-killed"))) {
      stored = JSON.readTree(in);
    }
    long checkpoint = stored.get("lastCheckpointStep").asLong();
    System.out.printf(
        "killed at step >= %d, stored state %s, last checkpoint %d of %d%n",
        seen[1], stored.get("state").asText(), checkpoint, STEPS);
    assertThat(stored.get("state").asText()).isEqualTo("RUNNING");
    assertThat(checkpoint).isBetween(CHECKPOINT_EVERY, STEPS - 1);
    Instant killedAt = Instant.now();

    trainer = startTrainer("second");
    awaitSucceeded("resume-killed");

    // After the restart the step count continues from the checkpoint, it does not restart at 0.
    List<TrainingProgressed> after = new ArrayList<>();
    for (ConsumerRecord<String, byte[]> r : probe.readAll(Topics.TRAINING_PROGRESSED)) {
      TrainingProgressed e = codec.decode(headers(r), r.value(), TrainingProgressed.class).event();
      if (e.jobId().equals("resume-killed") && e.at().isAfter(killedAt)) {
        after.add(e);
      }
    }
    List<Long> stepsAfter =
        after.stream().filter(e -> !e.losses().isEmpty()).map(TrainingProgressed::step).toList();
    System.out.println("progress steps after the restart: " + stepsAfter);
    // The restarted job reports no step below its checkpoint, and trains exactly the remaining
    // steps checkpoint+1..STEPS (one progress event per step).
    assertThat(stepsAfter)
        .isNotEmpty()
        .allSatisfy(s -> assertThat(s).isGreaterThanOrEqualTo(checkpoint));
    assertThat(stepsAfter.stream().filter(s -> s > checkpoint).distinct().count())
        .isEqualTo(STEPS - checkpoint);
    assertThat(stepsAfter).contains(checkpoint + 1, STEPS);
    assertThat(Files.readString(logDir.resolve("second.log")))
        .contains("job resume-killed resumes from the checkpoint of step " + checkpoint);
    TeacherModelPublished resumed = published("resume-killed");
    assertThat(resumed.files()).containsKeys("params", "onnx", "modelCard");
    assertThat(
            store.exists(
                resumed.files().get("params").bucket(), resumed.files().get("params").key()))
        .isTrue();

    // The same spec and seed without interruption, in the same process (same thread count).
    submit(spec("resume-reference", "resume-reference-net"));
    awaitSucceeded("resume-reference");
    TeacherModelPublished reference = published("resume-reference");
    ObjectRef a = resumed.files().get("params");
    ObjectRef b = reference.files().get("params");
    System.out.printf("params sha256 resumed %s, uninterrupted %s%n", a.sha256(), b.sha256());
    assertThat(a.sha256())
        .as("weights of the resumed run vs the uninterrupted one")
        .isEqualTo(b.sha256());
  }

  private static String spec(String jobId, String modelName) {
    return """
        {"jobId": "%s", "kind": "teacher", "modelName": "%s",
         "classes": ["background", "organ"],
         "datasets": [{"id": "%s"}],
         "network": {"name": "UNet3d", "baseWidth": 8, "depth": 2},
         "budget": {"steps": %d, "batchSize": 1, "patchSize": 16, "spacingMm": 3,
                    "stepsPerEpoch": 5, "checkpointEvery": %d, "progressEvery": 1},
         "seed": 11}
        """
        .formatted(jobId, modelName, DATASET, STEPS, CHECKPOINT_EVERY);
  }

  /** The service jar as {@code ./distillery up} runs it, with one PyTorch thread. */
  private Process startTrainer(String name) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder builder =
        new ProcessBuilder(
                java,
                "-Xmx512m",
                "-XX:+UseSerialGC",
                "-Dai.djl.offline=true",
                "-Dai.djl.pytorch.num_threads=1",
                "-Dai.djl.pytorch.num_interop_threads=1",
                "-jar",
                jar.toString())
            .redirectErrorStream(true)
            .redirectOutput(logDir.resolve(name + ".log").toFile());
    builder.environment().putAll(stack.environment());
    builder.environment().put("QUARKUS_HTTP_PORT", Integer.toString(port));
    Process process = builder.start();
    try {
      await()
          .atMost(Duration.ofMinutes(2))
          .pollInterval(Duration.ofMillis(250))
          .until(
              () -> {
                if (!process.isAlive()) {
                  throw new IllegalStateException(
                      "student-trainer exited: " + Files.readString(logDir.resolve(name + ".log")));
                }
                try {
                  return get("/q/health/ready").statusCode() == 200;
                } catch (IOException notListeningYet) {
                  return false;
                }
              });
    } catch (RuntimeException e) {
      process.destroyForcibly();
      throw e;
    }
    return process;
  }

  private void submit(String spec) throws Exception {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(url("/api/v1/jobs"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(spec))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
  }

  private JsonNode job(String jobId) throws Exception {
    HttpResponse<String> response = get("/api/v1/jobs/" + jobId);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    JsonNode job = JSON.readTree(response.body());
    String state = job.path("state").asText();
    if (state.equals("FAILED") || state.equals("CANCELLED")) {
      throw new AssertionError("job " + jobId + " ended " + state + ": " + job.path("message"));
    }
    return job;
  }

  private void awaitSucceeded(String jobId) {
    await()
        .atMost(Duration.ofMinutes(4))
        .pollInterval(Duration.ofMillis(500))
        .until(() -> job(jobId).path("state").asText().equals("SUCCEEDED"));
  }

  private TeacherModelPublished published(String jobId) {
    for (ConsumerRecord<String, byte[]> r : probe.readAll(Topics.TEACHER_MODEL_PUBLISHED)) {
      TeacherModelPublished e =
          codec.decode(headers(r), r.value(), TeacherModelPublished.class).event();
      if (jobId.equals(e.jobId())) {
        return e;
      }
    }
    throw new AssertionError("no TeacherModelPublished for " + jobId);
  }

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(url(path)).timeout(Duration.ofSeconds(10)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private URI url(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  /** A CT-like 24³ volume at 3 mm with a labelled ellipsoid "organ", and its VolumeIngested. */
  private void publishVolume(int seed) throws IOException {
    String id = DATASET + "-" + seed;
    Grid grid = new Grid(SIZE, SIZE, SIZE, Affine.diagonal(3, 3, 3, 0, 0, 0));
    SplittableRandom random = new SplittableRandom(seed);
    float[] image = new float[grid.size()];
    short[] label = new short[grid.size()];
    double c = SIZE / 2.0 + seed;
    for (int z = 0, i = 0; z < SIZE; z++) {
      for (int y = 0; y < SIZE; y++) {
        for (int x = 0; x < SIZE; x++, i++) {
          double dx = (x - c) / 6, dy = (y - c) / 5, dz = (z - SIZE / 2.0) / 6;
          boolean organ = dx * dx + dy * dy + dz * dz < 1;
          label[i] = (short) (organ ? 1 : 0);
          image[i] = (organ ? 80 : -20) + (float) random.nextGaussian() * 10;
        }
      }
    }
    ObjectRef imageRef =
        putNifti(
            ObjectKeys.volumeImage(id),
            p -> NiftiWriter.write(new Volume(grid, image, Modality.CT, VolumeMetadata.MEMORY), p));
    ObjectRef labelRef =
        putNifti(
            ObjectKeys.volumeLabel(id), p -> NiftiWriter.write(LabelVolume.of(grid, label), p));
    VolumeIngested event =
        new VolumeIngested(
            id,
            DATASET,
            "case-" + seed,
            "CT",
            "train",
            Map.of("1", "organ"),
            List.of(SIZE, SIZE, SIZE),
            List.of(3.0, 3.0, 3.0),
            List.of(3.0, 0.0, 0.0, 0.0, 0.0, 3.0, 0.0, 0.0, 0.0, 0.0, 3.0, 0.0, 0.0, 0.0, 0.0, 1.0),
            imageRef,
            labelRef,
            imageRef,
            imageRef.sha256(),
            Instant.now());
    EncodedEvent encoded = codec.encode(event, "/test/e2e", null);
    probe.send(encoded.topic(), encoded.key(), encoded.headers(), encoded.payload());
  }

  private interface NiftiFileWriter {
    void write(Path file) throws IOException;
  }

  private ObjectRef putNifti(String key, NiftiFileWriter writer) throws IOException {
    Path file = Files.createTempFile("resume-", ".nii.gz");
    try {
      writer.write(file);
      StoredObject stored = store.put(stack.bucket(), key, file, "application/gzip");
      return new ObjectRef(
          stack.bucket(), stored.key(), stored.sha256(), stored.size(), "application/gzip");
    } finally {
      Files.deleteIfExists(file);
    }
  }

  private static Map<String, byte[]> headers(ConsumerRecord<String, byte[]> r) {
    Map<String, byte[]> h = new HashMap<>();
    for (Header header : r.headers()) {
      h.put(header.key(), header.value());
    }
    return h;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
