package io.distillery.ingest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.distillery.devstack.DevStackTestResource;
import io.distillery.volumeio.dataset.DatasetCase;
import io.distillery.volumeio.dataset.DatasetFolder;
import io.distillery.volumeio.dataset.SharedData;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** A real BTCV case (LAS on disk) through the upload path; skipped without ../shared/data. */
@QuarkusTest
@QuarkusTestResource(value = DevStackTestResource.class, restrictToAnnotatedClass = false)
class RealVolumeUploadTest {

  @Test
  void btcvCaseIsStoredAsRasWithItsGrid() throws Exception {
    Path folder = SharedData.dataset("btcv-spleen").orElse(null);
    Assumptions.assumeTrue(folder != null, SharedData.missingMessage());
    DatasetFolder dataset = DatasetFolder.open(folder);
    DatasetCase first = dataset.cases().get(0);

    List<Double> affine =
        given()
            .multiPart("image", first.images().get(0).toFile())
            .multiPart("label", first.label().orElseThrow().toFile())
            .multiPart("datasetId", "btcv-spleen")
            .multiPart("caseId", first.id())
            .multiPart("modality", "CT")
            .multiPart("split", "train")
            .multiPart("labelNames", "{\"1\": \"spleen\"}")
            .when()
            .post("/api/v1/volumes")
            .then()
            .statusCode(202)
            .body("volume.labelledClasses.1", equalTo("spleen"))
            .extract()
            .jsonPath()
            .getList("volume.affine", Double.class);

    // RAS: positive diagonal spacing on the first two axes after reorientation from LAS.
    assertThat(affine.get(0)).isPositive();
    assertThat(affine.get(5)).isPositive();
    assertThat(affine.get(10)).isPositive();
  }
}
