package io.distillery.ingest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

import io.distillery.devstack.DevStackTestResource;
import io.distillery.objectstore.ObjectStore;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The boxes around dataset imports: {@code s3://} sources only under the configured locations,
 * within the object-count and total-size caps (checked on the listing, before anything is copied),
 * and a bounded queue of waiting imports.
 */
@QuarkusTest
@TestProfile(DatasetImportLimitsTest.SmallLimits.class)
@QuarkusTestResource(value = DevStackTestResource.class, restrictToAnnotatedClass = false)
class DatasetImportLimitsTest {

  static final String BUCKET = "import-limits";

  /** Two allowed locations, 6 objects and 1 MiB per import, one import waiting at most. */
  public static class SmallLimits implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "distillery.ingest.s3-import-sources", BUCKET + "/allowed/,s3://" + BUCKET + "-open",
          "distillery.ingest.s3-import-max-objects", "6",
          "distillery.ingest.s3-import-max-bytes", "1048576",
          "distillery.ingest.max-queued-imports", "1",
          "distillery.ingest.import-retry-after-seconds", "7");
    }
  }

  @Inject ObjectStore store;

  @Test
  void s3SourcesOutsideTheAllowedLocationsAreRefusedWith403() {
    for (String source :
        List.of(
            "s3://" + BUCKET + "/other/",
            "s3://" + BUCKET + "/allowedness/",
            "s3://distillery/volumes/",
            "s3://" + BUCKET)) {
      given()
          .contentType(ContentType.JSON)
          .body(Map.of("source", source))
          .when()
          .post("/api/v1/datasets/import")
          .then()
          .statusCode(403)
          .contentType("application/problem+json")
          .body("title", equalTo("Source not allowed"))
          .body("detail", containsString("distillery.ingest.s3-import-sources"));
    }
    // A '..' segment cannot climb out of an allowed prefix.
    given()
        .contentType(ContentType.JSON)
        .body(Map.of("source", "s3://" + BUCKET + "/allowed/../other"))
        .when()
        .post("/api/v1/datasets/import")
        .then()
        .statusCode(400)
        .contentType("application/problem+json")
        .body("detail", containsString("'..'"));
  }

  @Test
  void aPrefixWithMoreObjectsThanTheCapIsRefusedBeforeAnyCopy() {
    store.ensureBucket(BUCKET);
    for (int i = 0; i < 7; i++) {
      store.put(BUCKET, "allowed/many/object-" + i, new byte[] {1}, null);
    }

    given()
        .contentType(ContentType.JSON)
        .body(Map.of("source", "s3://" + BUCKET + "/allowed/many"))
        .when()
        .post("/api/v1/datasets/import")
        .then()
        .statusCode(400)
        .contentType("application/problem+json")
        .body("detail", containsString("more than 6 objects"))
        .body("detail", containsString("distillery.ingest.s3-import-max-objects"));
    given()
        .get("/api/v1/datasets/imports")
        .then()
        .body("source", not(org.hamcrest.Matchers.hasItem(containsString("/allowed/many"))));
  }

  @Test
  void aPrefixLargerThanTheSizeCapIsRefusedNamingTheLimit() {
    store.ensureBucket(BUCKET + "-open");
    byte[] chunk = new byte[600 * 1024];
    store.put(BUCKET + "-open", "big/a.bin", chunk, null);
    store.put(BUCKET + "-open", "big/b.bin", chunk, null);

    given()
        .contentType(ContentType.JSON)
        .body(Map.of("source", "s3://" + BUCKET + "-open/big/"))
        .when()
        .post("/api/v1/datasets/import")
        .then()
        .statusCode(400)
        .contentType("application/problem+json")
        .body("detail", containsString("1228800 bytes in 2 objects"))
        .body("detail", containsString("limit of 1048576 bytes"))
        .body("detail", containsString("distillery.ingest.s3-import-max-bytes"));
  }

  @Test
  void anAllowedPrefixWithinTheCapsIsImported() throws Exception {
    Path folder = DatasetImportTest.writeDataset(Files.createTempDirectory("limits-s3-"), 40, 2);
    store.ensureBucket(BUCKET);
    try (var files = Files.walk(folder)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        store.put(BUCKET, "allowed/ok/" + folder.relativize(f), f, "application/octet-stream");
      }
    }

    String importId =
        startImport(Map.of("source", "s3://" + BUCKET + "/allowed/ok", "datasetId", "limits-s3"))
            .path("importId");

    assertThat(awaitFinished(importId).get("state")).isEqualTo("SUCCEEDED");
  }

  @Test
  void aFullImportQueueAnswers429WithRetryAfter() throws Exception {
    // One import runs (ten cases take a while), one waits: the third is refused at once.
    Path many = DatasetImportTest.writeDataset(Files.createTempDirectory("queue-"), 50, 10);
    Response first = startImport(Map.of("source", many.toString(), "datasetId", "queue-1"));
    Response second = startImport(Map.of("source", many.toString(), "datasetId", "queue-2"));
    assertThat(first.statusCode()).isEqualTo(202);
    assertThat(second.statusCode()).isEqualTo(202);

    given()
        .contentType(ContentType.JSON)
        .body(Map.of("source", many.toString(), "datasetId", "queue-3"))
        .when()
        .post("/api/v1/datasets/import")
        .then()
        .statusCode(429)
        .header("Retry-After", "7")
        .contentType("application/problem+json")
        .body("title", equalTo("Import queue full"))
        .body("detail", containsString("distillery.ingest.max-queued-imports=1"));

    assertThat(awaitFinished(first.path("importId")).get("state")).isEqualTo("SUCCEEDED");
    assertThat(awaitFinished(second.path("importId")).get("state")).isEqualTo("SUCCEEDED");
    // The refused import left no trace, and the drained queue accepts again.
    given()
        .queryParam("datasetId", "queue-3")
        .get("/api/v1/volumes")
        .then()
        .statusCode(200)
        .body("size()", equalTo(0));
    Response again = startImport(Map.of("source", many.toString(), "datasetId", "queue-2"));
    assertThat(again.statusCode()).isEqualTo(202);
    assertThat(awaitFinished(again.path("importId")).get("state")).isEqualTo("SUCCEEDED");
  }

  private static Response startImport(Map<String, String> body) {
    return given()
        .contentType(ContentType.JSON)
        .body(body)
        .when()
        .post("/api/v1/datasets/import")
        .then()
        .extract()
        .response();
  }

  private static Map<String, Object> awaitFinished(String importId) {
    await()
        .atMost(Duration.ofSeconds(120))
        .until(
            () ->
                !"RUNNING"
                    .equals(given().get("/api/v1/datasets/imports/" + importId).path("state")));
    return given()
        .get("/api/v1/datasets/imports/" + importId)
        .then()
        .extract()
        .jsonPath()
        .getMap("");
  }
}
