package io.distillery.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.distillery.contracts.EventCodec;
import io.distillery.contracts.Topics;
import io.distillery.contracts.events.TeacherOutputsProduced;
import io.distillery.devstack.LocalStack;
import io.distillery.devstack.TopicProbe;
import io.distillery.objectstore.MinioObjectStore;
import io.distillery.objectstore.ObjectStore;
import io.distillery.objectstore.S3Settings;
import io.distillery.segml.engine.EngineThreads;
import io.distillery.segml.export.OnnxExporter;
import io.distillery.segml.networks.UNet3d;
import io.distillery.tensorcodec.DecodedTensor;
import io.distillery.tensorcodec.TensorCodec;
import io.distillery.volumeio.Affine;
import io.distillery.volumeio.Grid;
import io.distillery.volumeio.Modality;
import io.distillery.volumeio.Volume;
import io.distillery.volumeio.VolumeMetadata;
import io.distillery.volumeio.nifti.NiftiWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The local stack end to end: all four services healthy on a real broker and S3 server; a volume
 * uploaded to the ingest-service is announced on Kafka, read back from S3 by the teacher-service
 * and turned into soft labels by a registered ONNX teacher; SIGTERM to the launcher leaves no
 * process behind.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LocalStackRoundTripTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  private Path stateRoot;
  private LocalStack stack;

  @BeforeAll
  void startStack() throws Exception {
    Path repo = Path.of(System.getProperty("distillery.root")).toAbsolutePath().normalize();
    stateRoot = Files.createTempDirectory(repo.resolve("devstack/e2e/target"), "local-stack-");
    stack = LocalStack.start(repo, stateRoot);
  }

  @AfterAll
  void stopStack() throws Exception {
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  @Order(1)
  void everyPrintedHealthUrlAnswersUp() throws Exception {
    assertThat(stack.healthUrls()).containsOnlyKeys(LocalStack.SERVICES);
    for (String url : stack.healthUrls().values()) {
      HttpResponse<String> response = get(url);
      assertThat(response.statusCode()).as(url).isEqualTo(200);
      assertThat(JSON.readTree(response.body()).get("status").asText()).isEqualTo("UP");
    }
  }

  @Test
  @Order(2)
  void uploadedVolumeIsAnnouncedAndTheTeacherServiceReadsItAndWritesSoftLabels() throws Exception {
    // An external ONNX teacher registered with the teacher-service over REST.
    Path onnx = stateRoot.resolve("teacher.onnx");
    writeTinyOnnxTeacher(onnx);
    String manifest =
        """
        {"schemaVersion": 1, "teacherId": "e2e-teacher", "version": "1", "format": "onnx",
         "files": {"onnx": "model.onnx"}, "modality": "CT", "datasets": ["e2e"],
         "spacingMm": [4.0, 4.0, 4.0],
         "normalisation": {"method": "ct-window", "clipLow": -125, "clipHigh": 275,
                           "mean": 75, "std": 200},
         "roiSize": [16, 16, 16], "overlap": 0.25, "outputClasses": ["background", "liver"],
         "storedChannels": null, "featureTap": null, "temperature": 1.0}
        """;
    HttpResponse<String> registered =
        postMultipart(
            stack.baseUrl("teacher-service") + "/api/v1/teachers",
            Map.of("manifest", manifest),
            "model",
            onnx);
    assertThat(registered.statusCode()).as(registered.body()).isBetween(200, 202);

    // A volume uploaded to the ingest-service, which stores it in S3 and announces it on Kafka.
    Path image = stateRoot.resolve("phantom.nii.gz");
    writePhantom(image);
    HttpResponse<String> upload =
        postMultipart(
            stack.baseUrl("ingest-service") + "/api/v1/volumes",
            Map.of("datasetId", "e2e", "modality", "CT", "split", "unlabelled"),
            "image",
            image);
    assertThat(upload.statusCode()).as(upload.body()).isEqualTo(202);
    String volumeId = JSON.readTree(upload.body()).get("volumeId").asText();

    // The teacher-service consumed VolumeIngested, read the image the ingest-service wrote,
    // and published its soft labels; the object it wrote decodes on the announced grid.
    EventCodec codec = new EventCodec();
    TopicProbe probe =
        new TopicProbe(stack.stackFile().get("kafka").get("bootstrapServers").asText());
    TeacherOutputsProduced[] produced = new TeacherOutputsProduced[1];
    await()
        .atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofSeconds(1))
        .untilAsserted(
            () -> {
              var records =
                  probe.readAll(Topics.TEACHER_OUTPUTS_PRODUCED).stream()
                      .filter(r -> volumeId.equals(r.key()))
                      .toList();
              assertThat(records).hasSize(1);
              produced[0] = codec.fromJson(records.get(0).value(), TeacherOutputsProduced.class);
            });
    JsonNode s3 = stack.stackFile().get("s3");
    try (ObjectStore store =
            MinioObjectStore.create(
                S3Settings.of(
                    URI.create(s3.get("endpoint").asText()),
                    s3.get("accessKey").asText(),
                    s3.get("secretKey").asText()));
        InputStream in =
            store.get(produced[0].softLabels().bucket(), produced[0].softLabels().key(), true)) {
      DecodedTensor soft = TensorCodec.decode(in);
      long voxels = 1;
      for (int d : produced[0].shape()) {
        voxels *= d;
      }
      assertThat(soft.data()).hasSize((int) (voxels * produced[0].channels().size()));
      for (float p : soft.data()) {
        assertThat(p).isBetween(0f, 1f);
      }
    }
  }

  @Test
  @Order(3)
  void sigtermToTheLauncherLeavesNoProcessBehind() throws Exception {
    assertThat(stack.processes()).hasSizeGreaterThanOrEqualTo(1 + LocalStack.SERVICES.size());

    stack.terminate();

    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(() -> assertThat(stack.processes()).isEmpty());
  }

  /** A seeded, untrained 2-class UNet3d exported to ONNX: a stand-in for an external model. */
  private static void writeTinyOnnxTeacher(Path file) {
    EngineThreads.configure(1);
    Engine.getEngine("PyTorch").setRandomSeed(7);
    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      UNet3d net = UNet3d.builder().setOutChannels(2).optBaseWidth(8).optDepth(2).build();
      net.initialize(manager, DataType.FLOAT32, new Shape(1, 1, 16, 16, 16));
      OnnxExporter.export(net, 0, file);
    }
  }

  private static void writePhantom(Path file) throws IOException {
    Grid grid = new Grid(16, 16, 8, Affine.of3x4(-3, 0, 0, 24, 0, 3, 0, -24, 0, 0, 4, -16));
    float[] data = new float[grid.size()];
    for (int i = 0; i < data.length; i++) {
      data[i] = (i % 16 < 8 ? 40f : -900f) + (i % 7);
    }
    NiftiWriter.write(new Volume(grid, data, Modality.CT, VolumeMetadata.MEMORY), file);
  }

  private HttpResponse<String> get(String url) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> postMultipart(
      String url, Map<String, String> fields, String fileField, Path file)
      throws IOException, InterruptedException {
    String boundary = "----distillery-" + UUID.randomUUID();
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    for (Map.Entry<String, String> field : fields.entrySet()) {
      body.write(
          ("--"
                  + boundary
                  + "\r\nContent-Disposition: form-data; name=\""
                  + field.getKey()
                  + "\"\r\n\r\n"
                  + field.getValue()
                  + "\r\n")
              .getBytes(StandardCharsets.UTF_8));
    }
    body.write(
        ("--"
                + boundary
                + "\r\nContent-Disposition: form-data; name=\""
                + fileField
                + "\"; filename=\""
                + file.getFileName()
                + "\"\r\n"
                + "Content-Type: application/gzip\r\n\r\n")
            .getBytes(StandardCharsets.UTF_8));
    body.write(Files.readAllBytes(file));
    body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
    return http.send(
        HttpRequest.newBuilder(URI.create(url))
            .timeout(Duration.ofSeconds(60))
            .header("Content-Type", "multipart/form-data; boundary=" + boundary)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
