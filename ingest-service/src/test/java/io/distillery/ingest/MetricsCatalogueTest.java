package io.distillery.ingest;

import static io.restassured.RestAssured.given;

import io.distillery.contracts.Topics;
import io.distillery.devstack.DevStackTestResource;
import io.distillery.devstack.MetricsCatalogueCheck;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * This service's catalogued metrics ({@code deploy/metrics-catalogue.txt}) are on its live {@code
 * /q/metrics} once its paths ran: one upload ({@code distillery_volumes_ingested_total}) and one
 * undecodable {@code VolumeSubmitted} record ({@code distillery_dead_letters_total}, Kafka client
 * series).
 */
@QuarkusTest
@QuarkusTestResource(value = DevStackTestResource.class, restrictToAnnotatedClass = false)
class MetricsCatalogueTest {

  @TestHTTPResource("/q/metrics")
  URI metrics;

  @ConfigProperty(name = "kafka.bootstrap.servers")
  String bootstrap;

  @TempDir Path dir;

  @Test
  void everyCatalogueMetricOfThisServiceIsExportedOnceItsPathsRan() throws Exception {
    // A seed no other test uses: the same bytes twice would be a duplicate, which is not counted.
    Path image = SyntheticNifti.writeImage(dir, "metrics.nii.gz", 8_008);
    given()
        .multiPart("image", image.toFile())
        .multiPart("datasetId", "metrics-catalogue")
        .multiPart("modality", "CT")
        .when()
        .post("/api/v1/volumes")
        .then()
        .statusCode(202);
    MetricsCatalogueCheck.sendPoisonRecord(bootstrap, Topics.VOLUME_SUBMITTED);

    MetricsCatalogueCheck.assertExported("ingest-service", metrics, Duration.ofSeconds(90));
  }
}
