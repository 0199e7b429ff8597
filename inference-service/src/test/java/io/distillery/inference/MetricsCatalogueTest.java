package io.distillery.inference;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

import io.distillery.contracts.Topics;
import io.distillery.devstack.DevStackTestResource;
import io.distillery.devstack.MetricsCatalogueCheck;
import io.distillery.objectstore.ObjectStore;
import io.distillery.servicekit.S3Config;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * This service's catalogued metrics ({@code deploy/metrics-catalogue.txt}) are on its live {@code
 * /q/metrics} once its paths ran: a published student model loaded ({@code
 * distillery_inference_engine_info}), one segmentation ({@code
 * distillery_inference_latency_seconds} histogram, {@code distillery_inference_requests_total}) and
 * one undecodable {@code SegmentationRequested} record ({@code distillery_dead_letters_total}).
 */
@QuarkusTest
@QuarkusTestResource(value = DevStackTestResource.class, restrictToAnnotatedClass = false)
class MetricsCatalogueTest {

  private static final String MODEL = "metrics-catalogue-model";

  @Inject ObjectStore store;
  @Inject S3Config s3Config;

  @TestHTTPResource("/q/metrics")
  URI metrics;

  @ConfigProperty(name = "kafka.bootstrap.servers")
  String bootstrap;

  @Test
  void everyCatalogueMetricOfThisServiceIsExportedOnceItsPathsRan() throws Exception {
    TestModels.publish(store, s3Config.bucket(), MODEL, "1", List.of("background", "organ"));
    await()
        .atMost(Duration.ofSeconds(90))
        .until(
            () ->
                given()
                    .get("/api/v1/models")
                    .then()
                    .extract()
                    .jsonPath()
                    .getList("name", String.class)
                    .contains(MODEL));
    given()
        .queryParam("model", MODEL)
        .contentType("application/octet-stream")
        .body(
            SyntheticVolumes.niftiGz(
                SyntheticVolumes.image(
                    SyntheticVolumes.lasGrid(24, 24, 16), new double[] {0.5, 0.5, 0.5}, 10, 5)))
        .post("/api/v1/segment")
        .then()
        .statusCode(200);
    MetricsCatalogueCheck.sendPoisonRecord(bootstrap, Topics.SEGMENTATION_REQUESTED);

    MetricsCatalogueCheck.assertExported("inference-service", metrics, Duration.ofSeconds(90));
  }
}
