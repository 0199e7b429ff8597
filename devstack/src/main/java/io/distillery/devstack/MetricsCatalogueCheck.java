package io.distillery.devstack;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Test support shared by the four services: checks a service's live Prometheus scrape ({@code
 * /q/metrics}) against {@code deploy/metrics-catalogue.txt}, the list of metrics the Grafana
 * dashboards and alerts query. Every line whose services column names the service (or {@code all})
 * and whose status is {@code required} must be exported; {@code pending} lines are reported only.
 *
 * <p>The caller exercises its paths first (an upload, a job, a segmentation, a poison record), so
 * that the application metrics, which appear only once something happened, exist. A plain class
 * with static methods (no CDI, no test framework): failures are {@link AssertionError}s, so any
 * test framework reports them.
 */
public final class MetricsCatalogueCheck {

  /** System property naming the repository root; the catalogue is {@code deploy/...} under it. */
  public static final String ROOT_PROPERTY = "distillery.root";

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  private MetricsCatalogueCheck() {}

  /** One catalogue line: sample name, services column (as listed), status. */
  public record Entry(String name, List<String> services, String status) {

    /** Whether this line is owned by {@code service} (listed by name or as {@code all}). */
    public boolean ownedBy(String service) {
      return services.contains("all") || services.contains(service);
    }
  }

  /**
   * Polls {@code metricsUrl} until every {@code required} catalogue metric of {@code service} is in
   * the scrape, failing with the missing names after {@code timeout}. Writes the exported names to
   * {@code target/metrics-exported.txt} (for whoever edits the catalogue) and returns them.
   */
  public static Set<String> assertExported(String service, URI metricsUrl, Duration timeout)
      throws IOException, InterruptedException {
    Set<String> required = new TreeSet<>();
    Set<String> pending = new TreeSet<>();
    for (Entry e : catalogue()) {
      if (e.ownedBy(service) && e.status().equals("required")) {
        required.add(e.name());
      } else if (e.ownedBy(service) && e.status().equals("pending")) {
        pending.add(e.name());
      }
    }
    if (required.isEmpty()) {
      throw new AssertionError("the catalogue lists no required metric for " + service);
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    Set<String> exported = scrapeNames(metricsUrl);
    while (!exported.containsAll(required) && System.nanoTime() < deadline) {
      // The Kafka binder registers topic-level series on its own refresh period: poll.
      Thread.sleep(2000);
      exported = scrapeNames(metricsUrl);
    }
    Path target = Path.of("target");
    if (Files.isDirectory(target)) {
      Files.write(target.resolve("metrics-exported.txt"), exported);
    }
    Set<String> missing = new TreeSet<>(required);
    missing.removeAll(exported);
    if (!missing.isEmpty()) {
      throw new AssertionError(
          service
              + " does not export these required catalogue metrics within "
              + timeout
              + ": "
              + missing);
    }
    pending.removeAll(exported);
    if (!pending.isEmpty()) {
      System.out.println(service + " pending catalogue metrics not exported yet: " + pending);
    }
    return exported;
  }

  /**
   * Sends one record that no consumer can decode to {@code topic}: the service consuming it
   * dead-letters it, which creates the dead-letter counter and the per-topic Kafka client series.
   */
  public static void sendPoisonRecord(String bootstrapServers, String topic)
      throws InterruptedException {
    Properties props = new Properties();
    props.put("bootstrap.servers", bootstrapServers);
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
      producer
          .send(
              new ProducerRecord<>(
                  topic,
                  "metrics-catalogue-probe",
                  "not an event".getBytes(StandardCharsets.UTF_8)))
          .get();
    } catch (java.util.concurrent.ExecutionException e) {
      throw new DevStackException("could not send a poison record to " + topic, e.getCause());
    }
  }

  /**
   * The parsed catalogue, from {@code deploy/metrics-catalogue.txt} under {@link #ROOT_PROPERTY}.
   */
  public static List<Entry> catalogue() throws IOException {
    Path file = Path.of(System.getProperty(ROOT_PROPERTY, ".."), "deploy/metrics-catalogue.txt");
    if (!Files.exists(file)) {
      throw new AssertionError(
          "metrics catalogue "
              + file.toAbsolutePath()
              + " not found (system property "
              + ROOT_PROPERTY
              + ")");
    }
    List<Entry> entries = new ArrayList<>();
    int lineNo = 0;
    for (String raw : Files.readAllLines(file)) {
      lineNo++;
      String line = raw.replaceFirst("#.*", "").trim();
      if (line.isEmpty()) {
        continue;
      }
      String[] f = line.split("\\s+");
      if (f.length != 3) {
        throw new AssertionError(
            file + ":" + lineNo + ": expected <name> <services> <status>: " + raw);
      }
      entries.add(new Entry(f[0], List.of(f[1].split(",")), f[2]));
    }
    return entries;
  }

  /** Sample names of a Prometheus text exposition (labels, comments and values dropped). */
  public static Set<String> scrapeNames(URI metricsUrl) throws IOException, InterruptedException {
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(metricsUrl).timeout(Duration.ofSeconds(30)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new AssertionError(metricsUrl + " answered " + response.statusCode());
    }
    return sampleNames(response.body());
  }

  /** Sample names of a Prometheus text exposition body. */
  public static Set<String> sampleNames(String exposition) {
    Set<String> names = new TreeSet<>();
    for (String line : exposition.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int end = 0;
      while (end < line.length() && line.charAt(end) != '{' && line.charAt(end) != ' ') {
        end++;
      }
      names.add(line.substring(0, end));
    }
    return names;
  }
}
