package io.distillery.tools.bench;

import static io.distillery.tools.bench.BenchSection.f;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.distillery.contracts.Topics;
import io.distillery.phantoms.AbdominalPhantom;
import io.distillery.phantoms.PhantomSpec;
import io.distillery.tools.stack.Stack;
import io.distillery.tools.stack.StackInfo;
import io.distillery.volumeio.nifti.NiftiDataType;
import io.distillery.volumeio.nifti.NiftiWriteOptions;
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
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Upload → {@code TeacherOutputsProduced} on the running local stack: a fresh phantom CT is
 * uploaded to the ingest-service ({@code POST /api/v1/volumes}), and the time is taken until the
 * stack's Kafka carries a {@code TeacherOutputsProduced} for that volume from every teacher
 * registered in the teacher-service. Needs {@code ./distillery up --background} and at least one
 * registered teacher; otherwise the section says why it was skipped.
 */
public final class StackBench {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration TIMEOUT = Duration.ofMinutes(10);

  private StackBench() {}

  static BenchSection measure(Path root, long seed, Path work) throws Exception {
    var stack = StackInfo.running(root);
    if (stack.isEmpty()) {
      return section().skip("no local stack (start one with ./distillery up --background)");
    }
    return measure(stack.get(), seed, work);
  }

  private static BenchSection section() {
    return new BenchSection(
        "upload → TeacherOutputsProduced (local stack)", "teachers", "to first (s)", "to all (s)");
  }

  /**
   * Measures on the stack {@code st}: uploads a phantom drawn with {@code seed} (written under
   * {@code work}) and waits for every registered CT teacher covering its dataset.
   */
  public static BenchSection measure(StackInfo st, long seed, Path work) throws Exception {
    BenchSection s = section();
    URI ingest = st.services().get(Stack.INGEST);
    URI teacher = st.services().get(Stack.TEACHER);
    if (ingest == null || teacher == null) {
      return s.skip("the local stack runs without the ingest-service or the teacher-service");
    }
    HttpClient http = HttpClient.newHttpClient();
    HttpResponse<String> teachers =
        http.send(
            HttpRequest.newBuilder(teacher.resolve("/api/v1/teachers")).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    // Teachers apply by modality and dataset: upload as CT into a dataset the teachers cover.
    JsonNode registered = JSON.readTree(teachers.body());
    String datasetId = "bench";
    // GET /api/v1/teachers lists registrations; what a teacher applies to is in its manifest.
    for (JsonNode t : registered) {
      JsonNode m = t.path("manifest");
      if ("CT".equals(m.path("modality").asText()) && m.path("datasets").size() > 0) {
        datasetId = m.path("datasets").get(0).asText();
        break;
      }
    }
    Set<String> teacherIds = new HashSet<>();
    for (JsonNode t : registered) {
      JsonNode m = t.path("manifest");
      boolean covers = m.path("datasets").size() == 0;
      for (JsonNode d : m.path("datasets")) {
        covers |= d.asText().equals(datasetId);
      }
      if ("CT".equals(m.path("modality").asText()) && covers) {
        teacherIds.add(m.path("teacherId").asText());
      }
    }
    if (teacherIds.isEmpty()) {
      return s.skip(
          "no CT teacher registered in the local stack's teacher-service (register one:"
              + " POST /api/v1/teachers, see teacher-service/README.md)");
    }
    // A new phantom each run: the ingest-service de-duplicates identical uploads.
    Path image = work.resolve("bench-upload.nii.gz");
    NiftiWriter.write(
        AbdominalPhantom.generate(seed, PhantomSpec.defaults()).image(),
        image,
        NiftiWriteOptions.defaults().withDataType(NiftiDataType.INT16));
    try (KafkaConsumer<String, byte[]> consumer = consumer(st.bootstrapServers())) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(Topics.TEACHER_OUTPUTS_PRODUCED).stream()
              .map(p -> new TopicPartition(p.topic(), p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToEnd(partitions);
      partitions.forEach(consumer::position); // resolve the end offsets before the upload
      long t0 = System.nanoTime();
      String volumeId = upload(http, ingest, image, datasetId);
      Double first = null;
      Set<String> seen = new HashSet<>();
      long deadline = t0 + TIMEOUT.toNanos();
      while (seen.size() < teacherIds.size() && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
          if (volumeId.equals(r.key())) {
            JsonNode event = JSON.readTree(r.value());
            seen.add(event.path("teacherId").asText());
            if (first == null) {
              first = (System.nanoTime() - t0) / 1e9;
            }
          }
        }
      }
      double all = (System.nanoTime() - t0) / 1e9;
      if (seen.size() < teacherIds.size()) {
        return s.skip(
            f(
                "timed out after %d s: TeacherOutputsProduced from %s of %s for volume %s",
                TIMEOUT.toSeconds(), seen, teacherIds, volumeId));
      }
      return s.row(Integer.toString(teacherIds.size()), f("%.2f", first), f("%.2f", all))
          .value("teachers", teacherIds)
          .value("volumeId", volumeId)
          .value("datasetId", datasetId)
          .value("toFirstSeconds", first)
          .value("toAllSeconds", all)
          .note(
              f(
                  "From the start of the upload (phantom seed %d, 96×96×64 at 4 mm, int16) to the"
                      + " event of the last registered teacher on the stack's Kafka.",
                  seed));
    }
  }

  private static String upload(HttpClient http, URI ingest, Path image, String datasetId)
      throws IOException, InterruptedException {
    String boundary = "bench-" + UUID.randomUUID();
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    part(body, boundary, "modality", null, "CT".getBytes(StandardCharsets.UTF_8));
    part(body, boundary, "datasetId", null, datasetId.getBytes(StandardCharsets.UTF_8));
    part(body, boundary, "image", image.getFileName().toString(), Files.readAllBytes(image));
    body.write(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(ingest.resolve("/api/v1/volumes"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() / 100 != 2) {
      throw new IOException(
          "upload to " + ingest + " failed: HTTP " + response.statusCode() + " " + response.body());
    }
    return JSON.readTree(response.body()).path("volumeId").asText();
  }

  private static void part(
      ByteArrayOutputStream body, String boundary, String name, String file, byte[] content)
      throws IOException {
    StringBuilder h = new StringBuilder("--").append(boundary).append("\r\n");
    h.append("Content-Disposition: form-data; name=\"").append(name).append('"');
    if (file != null) {
      h.append("; filename=\"").append(file).append("\"\r\nContent-Type: application/gzip");
    }
    h.append("\r\n\r\n");
    body.write(h.toString().getBytes(StandardCharsets.UTF_8));
    body.write(content);
    body.write("\r\n".getBytes(StandardCharsets.UTF_8));
  }

  private static KafkaConsumer<String, byte[]> consumer(String servers) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    return new KafkaConsumer<>(p);
  }
}
