package io.distillery.tools.stack;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/** The inference-service's REST API; see inference-service/README.md. */
public final class InferenceClient {

  /**
   * One synchronous segmentation.
   *
   * @param body the answer: a label map {@code .nii.gz} on the input's grid (or JSON / zip for the
   *     other outputs)
   * @param model model that answered
   * @param version its version
   * @param engine engine that ran it ({@code OnnxRuntime}, {@code PyTorch}, {@code TensorRT})
   * @param roundTrip time from sending the request to the last byte of the answer
   */
  public record Segmentation(
      byte[] body, String model, String version, String engine, Duration roundTrip) {}

  private final RestClient rest;

  InferenceClient(RestClient rest) {
    this.rest = rest;
  }

  /** {@code GET /api/v1/models}: the served models, each version with its engine. */
  public JsonNode models() {
    return rest.getJson("/api/v1/models", Duration.ofSeconds(30));
  }

  /** The served version entry of {@code model@version}, if that version is loaded. */
  public Optional<JsonNode> servedVersion(String model, String version) {
    for (JsonNode m : models()) {
      if (model.equals(m.path("name").asText())) {
        for (JsonNode v : m.path("versions")) {
          if (version.equals(v.path("version").asText())) {
            return Optional.of(v);
          }
        }
      }
    }
    return Optional.empty();
  }

  /**
   * {@code POST /api/v1/segment}: segments a NIfTI file with a served model.
   *
   * @param nifti the {@code .nii} / {@code .nii.gz} bytes
   * @param model model name
   * @param version pinned version, or null for the latest
   * @param output {@code labels}, {@code probabilities}, {@code volumes} or {@code preview}
   * @throws ServiceCallException with the service's reason (404 unknown model, 503 queue full, ...)
   */
  public Segmentation segment(byte[] nifti, String model, String version, String output) {
    StringBuilder path = new StringBuilder("/api/v1/segment?model=").append(encode(model));
    if (version != null) {
      path.append("&version=").append(encode(version));
    }
    path.append("&output=").append(encode(output));
    long start = System.nanoTime();
    RestClient.Answer answer =
        rest.postBytes(path.toString(), nifti, "application/octet-stream", Duration.ofMinutes(10));
    Duration roundTrip = Duration.ofNanos(System.nanoTime() - start);
    return new Segmentation(
        answer.body(),
        answer.headers().firstValue("X-Distillery-Model").orElse(model),
        answer.headers().firstValue("X-Distillery-Model-Version").orElse(version),
        answer.headers().firstValue("X-Distillery-Engine").orElse("?"),
        roundTrip);
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
