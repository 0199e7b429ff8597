package io.distillery.ingest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.distillery.devstack.DevStackTestResource;
import io.distillery.objectstore.ObjectStore;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Dataset folder imports, from the server's disk and from an S3 prefix. */
@QuarkusTest
@QuarkusTestResource(value = DevStackTestResource.class, restrictToAnnotatedClass = false)
class DatasetImportTest {

  @Inject ObjectStore store;

  @Test
  void folderUnderAnImportRootIsImportedCaseByCase() throws Exception {
    Path folder = writeDataset(Files.createTempDirectory("dataset-"), 10);

    String importId = startImport(Map.of("source", folder.toString(), "datasetId", "imported"));

    Map<String, Object> done = awaitFinished(importId);
    assertThat(done.get("state")).isEqualTo("SUCCEEDED");
    assertThat(done.get("total")).isEqualTo(2);
    assertThat((List<?>) done.get("volumeIds")).hasSize(2);
    given()
        .queryParam("datasetId", "imported")
        .when()
        .get("/api/v1/volumes")
        .then()
        .statusCode(200)
        .body("size()", equalTo(2))
        .body("caseId", org.hamcrest.Matchers.hasItems("case_00", "case_01"));
  }

  @Test
  void s3PrefixIsImported() throws Exception {
    Path folder = writeDataset(Files.createTempDirectory("dataset-s3-"), 20);
    store.ensureBucket("datasets");
    try (var files = Files.walk(folder)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        store.put("datasets", "phantoms/" + folder.relativize(f), f, "application/octet-stream");
      }
    }

    String importId =
        startImport(Map.of("source", "s3://datasets/phantoms", "datasetId", "imported-s3"));

    assertThat(awaitFinished(importId).get("state")).isEqualTo("SUCCEEDED");
  }

  @Test
  void folderOutsideTheImportRootsIsRefused() {
    given()
        .contentType(ContentType.JSON)
        .body(Map.of("source", "/etc"))
        .when()
        .post("/api/v1/datasets/import")
        .then()
        .statusCode(400)
        .body("detail", containsString("import root"));
  }

  @Test
  void datasetJsonEntriesOutsideTheFolderAreRefusedWithTheEntryNamed() throws Exception {
    // A readable NIfTI next to the dataset folder, itself under the import root: only the dataset
    // folder confines what its dataset.json may name.
    Path parent = Files.createTempDirectory("escape-");
    Path outside = SyntheticNifti.writeImage(parent, "outside.nii.gz", 30);
    Path folder = Files.createDirectories(parent.resolve("dataset"));
    SyntheticNifti.writeImage(Files.createDirectories(folder.resolve("imagesTr")), "in.nii.gz", 31);

    for (String entry : List.of("../outside.nii.gz", outside.toAbsolutePath().toString())) {
      Files.writeString(
          folder.resolve("dataset.json"),
          "{\"name\": \"escape\", \"modality\": {\"0\": \"CT\"}, \"labels\": {\"0\":"
              + " \"background\"}, \"training\": [{\"image\": \"imagesTr/in.nii.gz\"},"
              + " {\"image\": \""
              + entry
              + "\"}]}");

      String importId = startImport(Map.of("source", folder.toString(), "datasetId", "escape"));

      Map<String, Object> done = awaitFinished(importId);
      assertThat(done.get("state")).isEqualTo("FAILED");
      assertThat((List<?>) done.get("errors"))
          .singleElement()
          .asString()
          .contains("entry '" + entry + "'")
          .containsAnyOf("leaves the dataset folder", "is an absolute path");
    }
    given()
        .queryParam("datasetId", "escape")
        .when()
        .get("/api/v1/volumes")
        .then()
        .statusCode(200)
        .body("size()", equalTo(0));
  }

  private static String startImport(Map<String, String> body) {
    return given()
        .contentType(ContentType.JSON)
        .body(body)
        .when()
        .post("/api/v1/datasets/import")
        .then()
        .statusCode(202)
        .extract()
        .path("importId");
  }

  private static Map<String, Object> awaitFinished(String importId) {
    await()
        .atMost(Duration.ofSeconds(60))
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

  /** Two labelled cases in the nnU-Net v2 layout. */
  private static Path writeDataset(Path root, long seed) throws Exception {
    return writeDataset(root, seed, 2);
  }

  /** {@code cases} labelled cases (at most 100) in the nnU-Net v2 layout. */
  static Path writeDataset(Path root, long seed, int cases) throws Exception {
    Files.createDirectories(root.resolve("imagesTr"));
    Files.createDirectories(root.resolve("labelsTr"));
    for (int i = 0; i < cases; i++) {
      String id = String.format("case_%02d", i);
      SyntheticNifti.writeImage(root.resolve("imagesTr"), id + "_0000.nii.gz", seed + i);
      SyntheticNifti.writeLabel(root.resolve("labelsTr"), id + ".nii.gz", SyntheticNifti.lasGrid());
    }
    Files.writeString(
        root.resolve("dataset.json"),
        """
        {"name": "phantoms", "channel_names": {"0": "CT"},
         "labels": {"background": 0, "liver": 1}, "numTraining": %d, "file_ending": ".nii.gz"}
        """
            .formatted(cases));
    return root;
  }
}
