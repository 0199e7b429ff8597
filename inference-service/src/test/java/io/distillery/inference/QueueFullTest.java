package io.distillery.inference;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.distillery.devstack.DevStackTestResource;
import io.distillery.inference.config.InferenceConfig;
import io.distillery.objectstore.ObjectStore;
import io.quarkus.test.common.QuarkusTestResource;
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

/** One worker and one queue slot: concurrent requests beyond two are refused with 503. */
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
  @Inject InferenceConfig config;

  @Test
  void requestsBeyondWorkerAndQueueGet503WithRetryAfter() throws Exception {
    String model = "queue-test";
    TestModels.publish(store, config.s3().bucket(), model, "1", List.of("background", "organ"));
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
}
