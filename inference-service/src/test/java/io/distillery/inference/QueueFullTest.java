package io.distillery.inference;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.distillery.devstack.DevStackTestResource;
import io.distillery.inference.service.SegmentationService;
import io.distillery.objectstore.ObjectStore;
import io.distillery.servicekit.S3Config;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * One worker and one queue slot: concurrent requests beyond two are refused with 503. Only the
 * service's capacity is under test, not predictions, so both tests serve the untrained {@link
 * TestModels#untrained()} network (same architecture and inference cost as the trained one), each
 * under its own name: this class trains nothing.
 */
@QuarkusTest
@TestProfile(QueueFullTest.OneWorkerOneSlot.class)
@QuarkusTestResource(value = DevStackTestResource.class, restrictToAnnotatedClass = false)
class QueueFullTest {

  /** workers = 1, queue-size = 1. */
  public static class OneWorkerOneSlot implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "distillery.inference.workers", "1",
          "distillery.inference.queue-size", "1",
          "distillery.inference.retry-after-seconds", "7");
    }
  }

  @Inject ObjectStore store;
  @Inject S3Config s3Config;
  @Inject SegmentationService service;

  @TestHTTPResource("/")
  java.net.URL root;

  @Test
  void requestsBeyondWorkerAndQueueGet503WithRetryAfter() throws Exception {
    String model = "queue-test";
    TestModels.publish(
        TestModels.untrained(),
        store,
        s3Config.bucket(),
        model,
        "1",
        List.of("background", "organ"));
    await()
        .atMost(Duration.ofSeconds(90))
        .until(() -> given().get("/api/v1/models").asString().contains("\"" + model + "\""));
    // About a second of inference each on this machine, so five at once overlap.
    byte[] body =
        SyntheticVolumes.niftiGz(
            SyntheticVolumes.image(
                SyntheticVolumes.lasGrid(64, 64, 32), new double[] {0.3, 0.6, 0.5}, 14, 9));
    int clients = 5;
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<Response>> responses = new ArrayList<>();
    try {
      for (int i = 0; i < clients; i++) {
        responses.add(
            pool.submit(
                () -> {
                  start.await();
                  return given()
                      .queryParam("model", model)
                      .queryParam("output", "volumes")
                      .contentType("application/octet-stream")
                      .body(body)
                      .post("/api/v1/segment");
                }));
      }
      start.countDown();
      int ok = 0;
      int refused = 0;
      for (Future<Response> f : responses) {
        Response r = f.get();
        if (r.statusCode() == 200) {
          ok++;
        } else {
          assertThat(r.statusCode()).isEqualTo(503);
          assertThat(r.contentType()).startsWith("application/problem+json");
          assertThat(r.header("Retry-After")).isEqualTo("7");
          refused++;
        }
      }
      assertThat(ok).as("served").isGreaterThanOrEqualTo(2);
      assertThat(refused).as("refused").isGreaterThanOrEqualTo(1);
    } finally {
      pool.shutdown();
    }
    assertThat(given().get("/q/metrics").asString())
        .contains(
            "distillery_inference_requests_total{model=\"" + model + "\",outcome=\"rejected\"}");
  }

  @Test
  void saturatedServiceRefusesBeforeReadingTheBody() throws Exception {
    String model = "queue-early";
    TestModels.publish(
        TestModels.untrained(),
        store,
        s3Config.bucket(),
        model,
        "1",
        List.of("background", "organ"));
    await()
        .atMost(Duration.ofSeconds(90))
        .until(() -> given().get("/api/v1/models").asString().contains("\"" + model + "\""));
    // Seconds of inference each: long enough to hold the one worker and the one queue slot.
    byte[] body =
        SyntheticVolumes.niftiGz(
            SyntheticVolumes.image(
                SyntheticVolumes.lasGrid(80, 80, 40), new double[] {0.3, 0.6, 0.5}, 14, 9));
    ExecutorService pool = Executors.newFixedThreadPool(2);
    List<Future<Integer>> busy = new ArrayList<>();
    try {
      for (int i = 0; i < 2; i++) {
        busy.add(
            pool.submit(
                () ->
                    given()
                        .queryParam("model", model)
                        .queryParam("output", "volumes")
                        .contentType("application/octet-stream")
                        .body(body)
                        .post("/api/v1/segment")
                        .statusCode()));
      }
      // One request runs on the worker, the other waits in the queue slot.
      await().atMost(Duration.ofSeconds(60)).until(service::saturated);

      // Headers only, declaring 100 MB: the answer comes without a byte of the body.
      String answer = declareBodyOnly("/api/v1/segment?model=" + model, 100_000_000L);

      assertThat(answer).startsWith("HTTP/1.1 503");
      String lower = answer.toLowerCase(java.util.Locale.ROOT);
      assertThat(lower)
          .contains("content-type: application/problem+json")
          .contains("retry-after: 7");
      assertThat(answer).contains("workers are busy");
      for (Future<Integer> f : busy) {
        assertThat(f.get()).isEqualTo(200);
      }
    } finally {
      pool.shutdown();
    }
  }

  private String declareBodyOnly(String pathAndQuery, long length) throws java.io.IOException {
    java.net.URL url = new java.net.URL(root, pathAndQuery);
    try (java.net.Socket socket = new java.net.Socket(url.getHost(), url.getPort())) {
      socket.setSoTimeout(30_000);
      String head =
          "POST "
              + url.getFile()
              + " HTTP/1.1\r\nHost: "
              + url.getHost()
              + "\r\nContent-Type: application/octet-stream\r\nContent-Length: "
              + length
              + "\r\n\r\n";
      socket.getOutputStream().write(head.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      java.io.ByteArrayOutputStream received = new java.io.ByteArrayOutputStream();
      byte[] buffer = new byte[8192];
      try {
        int n;
        while ((n = socket.getInputStream().read(buffer)) > 0) {
          received.write(buffer, 0, n);
          if (received.toString(java.nio.charset.StandardCharsets.UTF_8).contains("}")) {
            break;
          }
        }
      } catch (java.net.SocketTimeoutException e) {
        // nothing more arrived: the assertions say what was missing
      }
      return received.toString(java.nio.charset.StandardCharsets.UTF_8);
    }
  }
}
