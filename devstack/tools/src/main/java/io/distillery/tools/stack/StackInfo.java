package io.distillery.tools.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.distillery.objectstore.MinioObjectStore;
import io.distillery.objectstore.ObjectStore;
import io.distillery.objectstore.S3Settings;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Where the running stack is: the Kafka bootstrap servers, the S3 endpoint with its keys and
 * bucket, and each service's base URL, as the launcher (devstack's {@code Launcher}, started by
 * {@code ./distillery up}) writes them to {@code <root>/.distillery/stack.json}. The root is the
 * system property {@code distillery.root} (set by {@code ./distillery}), else the working
 * directory.
 *
 * @param bootstrapServers Kafka bootstrap servers
 * @param s3Endpoint S3 endpoint
 * @param accessKey S3 access key
 * @param secretKey S3 secret key
 * @param bucket the bucket every service uses
 * @param services service name (e.g. {@code ingest-service}) to base URL
 */
public record StackInfo(
    String bootstrapServers,
    URI s3Endpoint,
    String accessKey,
    String secretKey,
    String bucket,
    Map<String, URI> services) {

  public StackInfo {
    services = Map.copyOf(services);
  }

  /** The stack root: {@code -Ddistillery.root}, else the working directory. */
  public static Path root() {
    String root = System.getProperty("distillery.root");
    return Path.of(root == null || root.isBlank() ? "." : root).toAbsolutePath().normalize();
  }

  /** The launcher's file under {@code root}. */
  public static Path file(Path root) {
    return root.resolve(".distillery").resolve("stack.json");
  }

  /**
   * Reads {@code <root>/.distillery/stack.json} of a running stack, one whose launcher has written
   * its {@code ready} marker.
   *
   * @throws StackException when the file is missing, the stack is not ready or the file is invalid
   */
  public static StackInfo read(Path root) {
    Path file = file(root);
    if (!Files.isRegularFile(file) || !Files.exists(root.resolve(".distillery/ready"))) {
      throw new StackException(
          "no running stack under "
              + root
              + " ("
              + file
              + " or the ready marker is missing); start it with ./distillery up --background");
    }
    try {
      return of(new ObjectMapper().readTree(file.toFile()));
    } catch (IOException e) {
      throw new StackException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * The stack under {@code root}, when its file exists, says {@code ready} and its launcher process
   * is alive; empty when there is none, it has stopped, its launcher died, or the file is
   * half-written or foreign.
   */
  public static Optional<StackInfo> running(Path root) {
    Path file = file(root);
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    JsonNode json;
    try {
      json = new ObjectMapper().readTree(file.toFile());
    } catch (IOException e) {
      return Optional.empty();
    }
    long pid = json.path("launcherPid").asLong(-1);
    boolean alive = pid > 0 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    if (!"ready".equals(json.path("status").asText()) || !alive || !json.has("s3")) {
      return Optional.empty();
    }
    try {
      return Optional.of(of(json));
    } catch (StackException e) {
      return Optional.empty();
    }
  }

  /**
   * The running stack under {@code root} (see {@link #running(Path)}).
   *
   * @throws IllegalStateException saying how to start one when none is running
   */
  public static StackInfo require(Path root) {
    return running(root)
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "no local stack is running ("
                        + file(root)
                        + " is missing, stopped or stale); start one with"
                        + " ./distillery up --background"));
  }

  /** Reads the launcher's stack.json tree. */
  public static StackInfo of(JsonNode stack) {
    JsonNode kafka = stack.path("kafka");
    JsonNode s3 = stack.path("s3");
    if (kafka.isMissingNode() || s3.isMissingNode() || !stack.path("services").isArray()) {
      throw new StackException("stack.json lacks kafka, s3 or services: " + stack);
    }
    Map<String, URI> services = new LinkedHashMap<>();
    for (JsonNode s : stack.get("services")) {
      services.put(s.get("name").asText(), URI.create(s.get("url").asText()));
    }
    return new StackInfo(
        kafka.get("bootstrapServers").asText(),
        URI.create(s3.get("endpoint").asText()),
        s3.get("accessKey").asText(),
        s3.get("secretKey").asText(),
        s3.get("bucket").asText(),
        services);
  }

  /**
   * The base URL of a service.
   *
   * @throws StackException when the stack has no such service
   */
  public URI service(String name) {
    URI uri = services.get(name);
    if (uri == null) {
      throw new StackException(
          "the stack has no service " + name + "; it has " + services.keySet());
    }
    return uri;
  }

  /** A new client of the stack's S3 server; close it after use. */
  public ObjectStore objectStore() {
    return MinioObjectStore.create(S3Settings.of(s3Endpoint, accessKey, secretKey));
  }
}
