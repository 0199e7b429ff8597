package io.distillery.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.distillery.objectstore.MinioObjectStore;
import io.distillery.objectstore.ObjectStore;
import io.distillery.objectstore.S3Settings;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What {@code ./distillery up} wrote to {@code <root>/.distillery/stack.json} (devstack's {@code
 * Launcher}): the Kafka bootstrap servers, the S3 endpoint, keys and bucket, and the services'
 * URLs. The root is the system property {@code distillery.root} (set by {@code ./distillery}), else
 * the working directory.
 *
 * @param status {@code ready} while the stack is up, {@code stopped} after
 * @param bootstrapServers Kafka bootstrap servers
 * @param s3Endpoint S3 endpoint
 * @param accessKey S3 access key
 * @param secretKey S3 secret key
 * @param bucket the stack's bucket
 * @param services the services: name and base URL
 */
public record LocalStackState(
    String status,
    String bootstrapServers,
    URI s3Endpoint,
    String accessKey,
    String secretKey,
    String bucket,
    List<Service> services) {

  /** One service of the stack. */
  public record Service(String name, URI url) {}

  /** The stack root: {@code -Ddistillery.root}, else the working directory. */
  public static Path root() {
    String root = System.getProperty("distillery.root");
    return Path.of(root == null || root.isBlank() ? "." : root).toAbsolutePath().normalize();
  }

  /** The state file under {@code root}. */
  public static Path file(Path root) {
    return root.resolve(".distillery").resolve("stack.json");
  }

  /**
   * The state of the stack under {@code root}, when its file exists and says {@code ready} and its
   * launcher process is alive.
   */
  public static Optional<LocalStackState> running(Path root) {
    Path file = file(root);
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    JsonNode json;
    try {
      json = new ObjectMapper().readTree(file.toFile());
    } catch (IOException e) {
      return Optional.empty(); // half-written or foreign: treated as "no stack"
    }
    long pid = json.path("launcherPid").asLong(-1);
    boolean alive = pid > 0 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    if (!"ready".equals(json.path("status").asText()) || !alive || !json.has("s3")) {
      return Optional.empty();
    }
    List<Service> services = new ArrayList<>();
    for (JsonNode s : json.path("services")) {
      services.add(new Service(s.path("name").asText(), URI.create(s.path("url").asText())));
    }
    JsonNode s3 = json.path("s3");
    return Optional.of(
        new LocalStackState(
            json.path("status").asText(),
            json.path("kafka").path("bootstrapServers").asText(),
            URI.create(s3.path("endpoint").asText()),
            s3.path("accessKey").asText(),
            s3.path("secretKey").asText(),
            s3.path("bucket").asText(),
            List.copyOf(services)));
  }

  /**
   * The running stack under {@code root}.
   *
   * @throws IllegalStateException saying how to start one when none is running
   */
  public static LocalStackState require(Path root) {
    return running(root)
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "no local stack is running ("
                        + file(root)
                        + " is missing, stopped or stale); start one with"
                        + " ./distillery up --background"));
  }

  /** A client of the stack's S3 server. */
  public ObjectStore objectStore() {
    return MinioObjectStore.create(S3Settings.of(s3Endpoint, accessKey, secretKey));
  }

  /** The base URL of a service, e.g. {@code ingest-service}. */
  public Optional<URI> serviceUrl(String name) {
    return services.stream().filter(s -> s.name().equals(name)).map(Service::url).findFirst();
  }
}
