package io.distillery.inference;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.distillery.contracts.ObjectKeys;
import io.distillery.devstack.DevStackTestResource;
import io.distillery.objectstore.ObjectStore;
import io.distillery.servicekit.S3Config;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code objectKey} reads only NIfTI objects under the configured prefixes (default {@code
 * segmentations/}, the service's own inputs): the objects other services keep in the same bucket
 * (ingested volumes, job specs, teachers, models) are refused before anything is read, and a stored
 * input under the prefix is still segmented.
 */
@QuarkusTest
@QuarkusTestResource(value = DevStackTestResource.class, restrictToAnnotatedClass = false)
class ObjectKeyAccessTest {

  static final String MODEL = "object-key-probe";

  @Inject ObjectStore store;
  @Inject S3Config s3Config;

  @Test
  void keysOutsideTheServicesOwnInputsAreRefusedBeforeAnyRead() throws Exception {
    String bucket = s3Config.bucket();
    store.ensureBucket(bucket);
    // Real objects, so that a refusal cannot be a 404 in disguise.
    byte[] image =
        SyntheticVolumes.niftiGz(
            SyntheticVolumes.image(
                SyntheticVolumes.lasGrid(24, 24, 16), new double[] {0.5, 0.5, 0.5}, 8, 3));
    store.put(bucket, ObjectKeys.volumeImage("vol-private"), image, "application/gzip");
    store.put(bucket, ObjectKeys.jobSpec("job-private"), "{}".getBytes(), "application/json");
    store.put(bucket, ObjectKeys.segmentationRecord("done"), "{}".getBytes(), "application/json");

    for (String key :
        List.of(
            ObjectKeys.volumeImage("vol-private"),
            ObjectKeys.jobSpec("job-private"),
            ObjectKeys.segmentationRecord("done"),
            "segmentationsX/a/input.nii.gz")) {
      given()
          .queryParam("objectKey", key)
          .queryParam("output", "preview")
          .post("/api/v1/segment")
          .then()
          .statusCode(403)
          .contentType("application/problem+json")
          .body("title", equalTo("Object key not allowed"))
          .body("detail", containsString("distillery.inference.object-key-prefixes"));
    }
    for (String key :
        List.of(
            "segmentations/../volumes/vol-private/image.nii.gz",
            "/segmentations/a/input.nii.gz",
            "segmentations//input.nii.gz")) {
      given()
          .queryParam("objectKey", key)
          .post("/api/v1/segment")
          .then()
          .statusCode(400)
          .contentType("application/problem+json")
          .body("detail", containsString("objectKey must be"));
    }
    // Allowed but absent: the key passed the check and the store answered.
    given()
        .queryParam("objectKey", ObjectKeys.segmentation("absent", "input.nii.gz"))
        .post("/api/v1/segment")
        .then()
        .statusCode(404);
  }

  @Test
  void aStoredInputUnderTheAllowedPrefixIsSegmented() throws Exception {
    String bucket = s3Config.bucket();
    TestModels.publish(
        TestModels.untrained(), store, bucket, MODEL, "1", List.of("background", "organ"));
    await()
        .atMost(Duration.ofSeconds(90))
        .until(() -> given().get("/api/v1/models").asString().contains("\"" + MODEL + "\""));
    String key = ObjectKeys.segmentation("object-key-ok", "input.nii.gz");
    store.put(
        bucket,
        key,
        SyntheticVolumes.niftiGz(
            SyntheticVolumes.image(
                SyntheticVolumes.lasGrid(32, 32, 16), new double[] {0.5, 0.5, 0.5}, 8, 4)),
        "application/gzip");

    var response =
        given()
            .queryParam("model", MODEL)
            .queryParam("objectKey", key)
            .queryParam("output", "volumes")
            .post("/api/v1/segment");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.jsonPath().getString("model")).isEqualTo(MODEL);
  }
}
