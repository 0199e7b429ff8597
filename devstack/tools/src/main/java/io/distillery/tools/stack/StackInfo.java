package io.distillery.tools.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where the running stack is: the Kafka bootstrap servers, the S3 endpoint with its keys and
 * bucket, and each service's base URL, as the launcher writes them to {@code
 * <root>/.distillery/stack.json}.
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

  /**
   * Reads {@code <root>/.distillery/stack.json} of a running stack.
   *
   * @throws StackException when the file is missing, the stack is not ready or the file is invalid
   */
  public static StackInfo read(Path root) {
    Path file = root.resolve(".distillery/stack.json");
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
}
