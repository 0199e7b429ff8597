package io.distillery.trainer;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import io.distillery.contracts.EventCodec;
import io.distillery.contracts.Topics;
import io.distillery.contracts.events.TrainingRequested;
import io.distillery.devstack.DevStackTestResource;
import io.distillery.devstack.TopicProbe;
import io.distillery.objectstore.ObjectStore;
import io.distillery.servicekit.S3Config;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The boxes around training jobs, on the real devstack broker and S3 server: a spec whose training
 * step is estimated above the memory limit is refused with the estimate and the limit (400 over
 * REST, a dead letter over Kafka), and with one job running and one waiting a further job gets 429
 * with {@code Retry-After} over REST, while a Kafka request waits on its topic until there is room.
 * Its own bucket keeps the jobs it leaves away from the other tests' trainers.
 */
@QuarkusTest
@Tag("quarkus-own-profile")
@TestProfile(JobLimitsTest.Limits.class)
@QuarkusTestResource(value = DevStackTestResource.class, restrictToAnnotatedClass = false)
class JobLimitsTest {

  /** One job at a time, one waiting, a step limit of 1 GiB. */
  public static class Limits implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "distillery.s3.bucket", "job-limits",
          "distillery.trainer.max-concurrent-jobs", "1",
          "distillery.trainer.max-queued-jobs", "1",
          "distillery.trainer.retry-after-seconds", "2",
          "distillery.trainer.max-step-memory-bytes", Long.toString(1L << 30));
    }
  }

  /** A job that trains until it is cancelled: width 8, depth 2, one 16³ patch per step. */
  private static final String ENDLESS =
      """
      {"jobId": "%s", "kind": "teacher", "modelName": "%s",
       "classes": ["background", "liver"], "datasets": [{"id": "limits-liver"}],
       "network": {"name": "UNet3d", "baseWidth": 8, "depth": 2},
       "budget": {"steps": 1000000, "batchSize": 1, "patchSize": [16, 16, 16], "spacingMm": %s,
                  "checkpointEvery": 1000000, "progressEvery": 1000}}
      """;

  @Inject ObjectStore store;
  @Inject S3Config s3Config;
  private final EventCodec codec = new EventCodec();

  @Test
  void aStepEstimatedAboveTheLimitIsRefusedWithTheEstimateAndTheLimit() throws Exception {
    // Issue 18's example: 10^7 steps, patch 256³, width 128, depth 6.
    String huge =
        """
        {"jobId": "too-big", "kind": "teacher", "classes": ["background", "liver"],
         "datasets": [{"id": "limits-liver"}],
         "network": {"name": "UNet3d", "baseWidth": 128, "depth": 6},
         "budget": {"steps": 10000000, "batchSize": 2, "patchSize": [256, 256, 256]}}
        """;
    given()
        .contentType("application/json")
        .body(huge)
        .post("/api/v1/jobs")
        .then()
        .statusCode(400)
        .contentType("application/problem+json")
        .body("title", equalTo("Invalid job spec"))
        .body("detail", containsString("the training step is estimated to need"))
        .body("detail", containsString("UNet3d baseWidth 128 depth 6"))
        .body("detail", containsString("2 patches of 256x256x256 per step"))
        .body("detail", containsString("this instance allows 1,024 MiB"))
        .body("detail", containsString("distillery.trainer.max-step-memory-bytes"));
    given().get("/api/v1/jobs/too-big").then().statusCode(404);

    // A modest spec just over the limit is refused too; the message carries its estimate.
    String over =
        """
        {"jobId": "over", "kind": "teacher", "classes": ["background", "liver"],
         "datasets": [{"id": "limits-liver"}],
         "network": {"name": "UNet3d", "baseWidth": 16, "depth": 4},
         "budget": {"steps": 10, "batchSize": 2, "patchSize": [96, 96, 96]}}
        """;
    String detail =
        given()
            .contentType("application/json")
            .body(over)
            .post("/api/v1/jobs")
            .then()
            .statusCode(400)
            .extract()
            .path("detail");
    assertThat(detail).containsPattern("estimated to need [0-9,]+ MiB");

    // Over Kafka the same refusal is a dead letter with the reason.
    var spec = (com.fasterxml.jackson.databind.node.ObjectNode) codec.mapper().readTree(huge);
    spec.remove("jobId");
    TopicProbe probe = TopicProbe.shared();
    new TestCatalog(store, s3Config.bucket(), probe)
        .send(
            new TrainingRequested(
                "too-big-kafka", "teacher", "supervised", spec, "test", Instant.now()));
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () ->
                assertThat(probe.readAll(Topics.deadLetter(Topics.TRAINING_REQUESTED)))
                    .anySatisfy(
                        r -> {
                          assertThat(r.key()).isEqualTo("too-big-kafka");
                          assertThat(
                                  new String(
                                      r.headers()
                                          .lastHeader(Topics.DEAD_LETTER_REASON_HEADER)
                                          .value(),
                                      StandardCharsets.UTF_8))
                              .contains("estimated to need")
                              .contains("allows 1,024 MiB");
                        }));
  }

  @Test
  void withOneJobRunningAndOneWaitingAThirdGets429AndAKafkaRequestWaits() throws Exception {
    TopicProbe probe = TopicProbe.shared();
    store.ensureBucket(s3Config.bucket());
    TestCatalog data = new TestCatalog(store, s3Config.bucket(), probe);
    data.volume("limits-liver", "train", 61, "CT", Map.of("1", "liver"));
    data.volume("limits-liver", "train", 62, "CT", Map.of("1", "liver"));
    String spacing = TestCatalog.trainingSpacingMm();

    submit(ENDLESS.formatted("q-running", "q-running", spacing)).then().statusCode(202);
    awaitState("q-running", "RUNNING");
    submit(ENDLESS.formatted("q-waiting", "q-waiting", spacing))
        .then()
        .statusCode(202)
        .body("state", equalTo("QUEUED"));

    submit(ENDLESS.formatted("q-refused", "q-refused", spacing))
        .then()
        .statusCode(429)
        .header("Retry-After", "2")
        .contentType("application/problem+json")
        .body("title", equalTo("Job queue full"))
        .body("detail", containsString("distillery.trainer.max-queued-jobs=1"));
    given().get("/api/v1/jobs/q-refused").then().statusCode(404);

    // Over Kafka the request is neither refused nor lost: it waits until a queued job leaves.
    JsonNode spec = codec.mapper().readTree(ENDLESS.formatted("q-kafka", "q-kafka", spacing));
    data.send(
        new TrainingRequested("q-kafka", "teacher", "supervised", spec, "test", Instant.now()));
    await()
        .during(Duration.ofSeconds(5))
        .atMost(Duration.ofSeconds(10))
        .until(() -> given().get("/api/v1/jobs/q-kafka").statusCode() == 404);
    given().delete("/api/v1/jobs/q-waiting").then().statusCode(200);
    awaitState("q-waiting", "CANCELLED");
    awaitState("q-kafka", "QUEUED");
    assertThat(probe.readAll(Topics.deadLetter(Topics.TRAINING_REQUESTED)))
        .noneSatisfy(r -> assertThat(r.key()).isEqualTo("q-kafka"));

    for (String job : new String[] {"q-kafka", "q-running"}) {
      given().delete("/api/v1/jobs/" + job).then().statusCode(200);
      awaitState(job, "CANCELLED");
    }
  }

  private static io.restassured.response.Response submit(String json) {
    return given().contentType("application/json").body(json).post("/api/v1/jobs");
  }

  private static void awaitState(String jobId, String state) {
    await()
        .atMost(Duration.ofMinutes(2))
        .pollInterval(Duration.ofMillis(250))
        .until(
            () -> {
              var r = given().get("/api/v1/jobs/" + jobId);
              return r.statusCode() == 200 && state.equals(r.path("state"));
            });
  }
}
