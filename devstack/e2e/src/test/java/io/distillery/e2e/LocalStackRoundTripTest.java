package io.distillery.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.distillery.volumeio.Affine;
import io.distillery.volumeio.Grid;
import io.distillery.volumeio.Modality;
import io.distillery.volumeio.Volume;
import io.distillery.volumeio.VolumeMetadata;
import io.distillery.volumeio.nifti.NiftiWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
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
 * uploaded to the ingest-service is announced on Kafka and read back from S3 by the
 * teacher-service; SIGTERM to the launcher leaves no process behind.
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
  void volumeUploadedToIngestIsReadFromS3ByTheTeacherService() throws Exception {
    Path image = stateRoot.resolve("phantom.nii.gz");
    writePhantom(image);

    HttpResponse<String> upload =
        postMultipart(
            stack.baseUrl("ingest-service") + "/api/v1/volumes",
            Map.of("datasetId", "e2e", "modality", "CT", "split", "unlabelled"),
            "image",
            image);
    assertThat(upload.statusCode()).as(upload.body()).isEqualTo(202);
    JsonNode ingested = JSON.readTree(upload.body()).get("volume");
    String volumeId = ingested.get("volumeId").asText();
    String imageSha = ingested.get("image").get("sha256").asText();

    // The teacher-service consumed VolumeIngested from Kafka and read the image object back,
    // with its SHA-256 verified, from the S3 server the ingest-service wrote it to.
    await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(
            () -> {
              HttpResponse<String> seen =
                  get(stack.baseUrl("teacher-service") + "/api/v1/volumes/" + volumeId);
              assertThat(seen.statusCode()).isEqualTo(200);
              JsonNode status = JSON.readTree(seen.body());
              assertThat(status.get("imageSha256").asText()).isEqualTo(imageSha);
              assertThat(status.get("shape").toString()).isEqualTo("[16,16,8]");
            });
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
