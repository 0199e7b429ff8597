package io.distillery.tools.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

/**
 * The HTTP calls the service clients make: JSON in and out, multipart uploads and raw bodies. Any
 * answer outside 2xx becomes a {@link ServiceCallException} carrying the service's {@code
 * application/problem+json} detail, so that the user reads the service's own reason.
 */
final class RestClient {

  static final ObjectMapper JSON = new ObjectMapper();

  private final String service;
  private final URI base;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  RestClient(String service, URI base) {
    this.service = service;
    this.base = base;
  }

  URI base() {
    return base;
  }

  /** A raw answer: status, headers and body. */
  record Answer(int status, java.net.http.HttpHeaders headers, byte[] body) {
    JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new StackException("answer is not JSON: " + new String(body, StandardCharsets.UTF_8));
      }
    }
  }

  JsonNode getJson(String path, Duration timeout) {
    return send(HttpRequest.newBuilder(base.resolve(path)).GET(), timeout, "GET " + path).json();
  }

  JsonNode postJson(String path, JsonNode body, Duration timeout) {
    try {
      return send(
              HttpRequest.newBuilder(base.resolve(path))
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body))),
              timeout,
              "POST " + path)
          .json();
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree always serialises", e);
    }
  }

  Answer postBytes(String path, byte[] body, String contentType, Duration timeout) {
    return send(
        HttpRequest.newBuilder(base.resolve(path))
            .header("Content-Type", contentType)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body)),
        timeout,
        "POST " + path);
  }

  /**
   * A multipart/form-data POST.
   *
   * @param fields text fields
   * @param files file field name to (file name, bytes)
   */
  Answer postMultipart(
      String path,
      Map<String, String> fields,
      Map<String, Map.Entry<String, byte[]>> files,
      Duration timeout) {
    String boundary = "----distillery-" + UUID.randomUUID();
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    for (Map.Entry<String, String> field : fields.entrySet()) {
      write(
          body,
          "--"
              + boundary
              + "\r\nContent-Disposition: form-data; name=\""
              + field.getKey()
              + "\"\r\n\r\n"
              + field.getValue()
              + "\r\n");
    }
    for (Map.Entry<String, Map.Entry<String, byte[]>> file : files.entrySet()) {
      write(
          body,
          "--"
              + boundary
              + "\r\nContent-Disposition: form-data; name=\""
              + file.getKey()
              + "\"; filename=\""
              + file.getValue().getKey()
              + "\"\r\nContent-Type: application/octet-stream\r\n\r\n");
      body.writeBytes(file.getValue().getValue());
      write(body, "\r\n");
    }
    write(body, "--" + boundary + "--\r\n");
    return send(
        HttpRequest.newBuilder(base.resolve(path))
            .header("Content-Type", "multipart/form-data; boundary=" + boundary)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())),
        timeout,
        "POST " + path);
  }

  private static void write(ByteArrayOutputStream out, String text) {
    out.writeBytes(text.getBytes(StandardCharsets.UTF_8));
  }

  private Answer send(HttpRequest.Builder request, Duration timeout, String call) {
    HttpResponse<byte[]> response;
    try {
      response =
          http.send(request.timeout(timeout).build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new ServiceCallException(
          service + ": " + call + " at " + base + " failed: " + e, -1, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ServiceCallException(service + ": " + call + " interrupted", -1, e);
    }
    if (response.statusCode() / 100 != 2) {
      throw new ServiceCallException(
          service
              + ": "
              + call
              + " answered "
              + response.statusCode()
              + ": "
              + problemDetail(response.body()),
          response.statusCode(),
          null);
    }
    return new Answer(response.statusCode(), response.headers(), response.body());
  }

  /** The title and detail of a problem+json body, else the body's first 500 characters. */
  static String problemDetail(byte[] body) {
    String text = new String(body, StandardCharsets.UTF_8);
    try {
      JsonNode problem = JSON.readTree(body);
      if (problem != null && problem.has("detail")) {
        return problem.path("title").asText("") + " - " + problem.get("detail").asText();
      }
    } catch (IOException e) {
      // not JSON: show the text itself
    }
    return text.length() > 500 ? text.substring(0, 500) + "..." : text;
  }
}
