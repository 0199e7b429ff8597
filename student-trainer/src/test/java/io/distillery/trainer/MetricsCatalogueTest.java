package io.distillery.trainer;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.distillery.contracts.Topics;
import io.distillery.devstack.DevStackTestResource;
import io.distillery.devstack.MetricsCatalogueCheck;
import io.distillery.devstack.TopicProbe;
import io.distillery.objectstore.ObjectStore;
import io.distillery.servicekit.S3Config;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * This service's catalogued metrics ({@code deploy/metrics-catalogue.txt}) are on its live {@code
 * /q/metrics} once its paths ran: one tiny supervised job with a validation split ({@code
 * distillery_training_loss}, {@code _validation_dice}, {@code _step_seconds}) and one undecodable
 * {@code TrainingRequested} record ({@code distillery_dead_letters_total}).
 */
@QuarkusTest
@Tag("quarkus")
@Order(Integer.MAX_VALUE)
@QuarkusTestResource(value = DevStackTestResource.class, restrictToAnnotatedClass = false)
class MetricsCatalogueTest {

  @Inject ObjectStore store;
  @Inject S3Config s3Config;

  @TestHTTPResource("/q/metrics")
  URI metrics;

  @ConfigProperty(name = "kafka.bootstrap.servers")
  String bootstrap;

  @Test
  void everyCatalogueMetricOfThisServiceIsExportedOnceItsPathsRan() throws Exception {
    String bucket = s3Config.bucket();
    store.ensureBucket(bucket);
    TestCatalog data = new TestCatalog(store, bucket, TopicProbe.shared());
    // The cases (seeds) TrainingJobsTest trains on (11) and validates on (50), in the same roles:
    // the shared data has 10 CT cases, and the module's Quarkus tests share one JVM and catalog.
    data.volume("metrics-liver", "train", 11, "CT", Map.of("1", "liver"));
    data.volume("metrics-liver", "val", 50, "CT", Map.of("1", "liver"));
    given()
        .contentType("application/json")
        .body(
            """
            {"jobId": "metrics-teacher", "kind": "teacher", "modelName": "metrics-net",
             "classes": ["background", "liver"],
             "datasets": [{"id": "metrics-liver"}],
             "validation": [{"id": "metrics-liver", "split": "val"}],
             "network": {"name": "UNet3d", "baseWidth": 8, "depth": 2},
             "budget": {"steps": 2, "batchSize": 1, "patchSize": 16, "spacingMm": %s,
                        "stepsPerEpoch": 2, "checkpointEvery": 2, "progressEvery": 1},
             "seed": 3}
            """
                .formatted(TestCatalog.trainingSpacingMm()))
        .post("/api/v1/jobs")
        .then()
        .statusCode(202);
    await()
        .atMost(Duration.ofMinutes(3))
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(
            () ->
                assertThat(
                        given()
                            .get("/api/v1/jobs/metrics-teacher")
                            .then()
                            .extract()
                            .<String>path("state"))
                    .isIn("SUCCEEDED", "FAILED", "CANCELLED"));
    given()
        .get("/api/v1/jobs/metrics-teacher")
        .then()
        .statusCode(200)
        .body("state", org.hamcrest.Matchers.equalTo("SUCCEEDED"));
    MetricsCatalogueCheck.sendPoisonRecord(bootstrap, Topics.TRAINING_REQUESTED);

    MetricsCatalogueCheck.assertExported("student-trainer", metrics, Duration.ofSeconds(90));
  }
}
