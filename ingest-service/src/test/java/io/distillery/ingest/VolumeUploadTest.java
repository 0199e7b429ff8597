package io.distillery.ingest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.distillery.contracts.EventCodec;
import io.distillery.contracts.ObjectKeys;
import io.distillery.contracts.Topics;
import io.distillery.contracts.events.VolumeIngested;
import io.distillery.devstack.DevStackTestResource;
import io.distillery.devstack.TopicProbe;
import io.distillery.objectstore.ObjectStore;
import io.distillery.volumeio.Affine;
import io.distillery.volumeio.Grid;
import io.distillery.volumeio.LabelVolume;
import io.distillery.volumeio.Volume;
import io.distillery.volumeio.nifti.NiftiReader;
import io.distillery.volumeio.orientation.Orientation;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** REST uploads against the real broker and S3 server. */
@QuarkusTest
@QuarkusTestResource(value = DevStackTestResource.class, restrictToAnnotatedClass = false)
class VolumeUploadTest {

  @Inject ObjectStore store;
  @Inject EventCodec codec;

  @TempDir Path dir;

  @Test
  void uploadIsCanonicalisedStoredAndAnnouncedOnceEvenWhenRepeated() throws Exception {
    Path image = SyntheticNifti.writeImage(dir, "img.nii.gz", 1);
    Path label = SyntheticNifti.writeLabel(dir, "lbl.nii.gz", SyntheticNifti.lasGrid());

    String volumeId = upload(image, label, "upload-test").extract().path("volumeId");
    given()
        .multiPart("image", image.toFile())
        .multiPart("label", label.toFile())
        .multiPart("datasetId", "upload-test")
        .multiPart("modality", "CT")
        .multiPart("labelNames", "{\"1\": \"liver\"}")
        .when()
        .post("/api/v1/volumes")
        .then()
        .statusCode(202)
        .body("volumeId", equalTo(volumeId))
        .body("created", equalTo(false));

    List<VolumeIngested> events = eventsFor(volumeId);
    assertThat(events).hasSize(1);
    VolumeIngested event = events.get(0);
    assertThat(event.labelledClasses()).isEqualTo(Map.of("1", "liver"));
    assertThat(event.shape())
        .containsExactly(SyntheticNifti.NX, SyntheticNifti.NY, SyntheticNifti.NZ);
    assertThat(event.spacing()).containsExactly(2.0, 2.0, 3.0);

    // The stored image is RAS, holds the same voxels as the LAS upload, and its digest matches.
    Volume stored;
    try (InputStream in = store.get("distillery", event.image().key(), true)) {
      stored = NiftiReader.withDefaults().readVolume(in);
    }
    assertThat(Orientation.axcodes(stored.grid())).isEqualTo("RAS");
    Volume original = NiftiReader.withDefaults().readVolume(image);
    Volume expected = Orientation.canonical(original);
    assertThat(stored.data()).containsExactly(expected.data());

    LabelVolume storedLabel;
    try (InputStream in = store.get("distillery", event.label().key(), true)) {
      storedLabel = NiftiReader.withDefaults().readLabels(in, Map.of(1, "liver"));
    }
    // In RAS the organ (low LAS x = patient left) moves to high x.
    Grid g = storedLabel.grid();
    assertThat(storedLabel.get(SyntheticNifti.NX - 1 - 7, 10, 6)).isEqualTo(1);
    assertThat(storedLabel.get(7, 10, 6)).isEqualTo(0);
    assertThat(g.affine().get(0, 0)).isPositive();

    byte[] png;
    try (InputStream in = store.get("distillery", event.preview().key())) {
      png = in.readAllBytes();
    }
    assertThat(png).startsWith(0x89, 'P', 'N', 'G');

    given()
        .when()
        .get("/api/v1/volumes/" + volumeId)
        .then()
        .statusCode(200)
        .body("datasetId", equalTo("upload-test"));
    given()
        .queryParam("datasetId", "upload-test")
        .when()
        .get("/api/v1/volumes")
        .then()
        .statusCode(200)
        .body("volumeId", org.hamcrest.Matchers.hasItem(volumeId));
  }

  @Test
  void malformedNiftiGetsProblemJsonAndStoresNothing() throws Exception {
    Path garbage = dir.resolve("broken.nii.gz");
    Files.write(garbage, "this is not a NIfTI file at all".getBytes());
    int objectsBefore = store.list("distillery", ObjectKeys.volumesPrefix()).size();

    given()
        .multiPart("image", garbage.toFile())
        .multiPart("datasetId", "bad-input")
        .multiPart("modality", "CT")
        .when()
        .post("/api/v1/volumes")
        .then()
        .statusCode(400)
        .contentType(containsString("application/problem+json"))
        .body("title", equalTo("Invalid volume"))
        .body("detail", org.hamcrest.Matchers.not(org.hamcrest.Matchers.emptyOrNullString()));

    assertThat(store.list("distillery", ObjectKeys.volumesPrefix())).hasSize(objectsBefore);
  }

  @Test
  void labelOnAnotherGridIsRejected() throws Exception {
    Path image = SyntheticNifti.writeImage(dir, "img.nii.gz", 2);
    Grid shifted =
        new Grid(
            SyntheticNifti.NX,
            SyntheticNifti.NY,
            SyntheticNifti.NZ,
            Affine.of3x4(-2, 0, 0, 44, 0, 2, 0, -20, 0, 0, 3, -15));
    Path label = SyntheticNifti.writeLabel(dir, "lbl.nii.gz", shifted);

    given()
        .multiPart("image", image.toFile())
        .multiPart("label", label.toFile())
        .multiPart("datasetId", "bad-input")
        .multiPart("modality", "CT")
        .multiPart("labelNames", "{\"1\": \"liver\"}")
        .when()
        .post("/api/v1/volumes")
        .then()
        .statusCode(400)
        .contentType(containsString("application/problem+json"));
  }

  @Test
  void unknownModalityIsRefusedWithTheReason() throws Exception {
    Path image = SyntheticNifti.writeImage(dir, "img.nii.gz", 3);

    given()
        .multiPart("image", image.toFile())
        .multiPart("datasetId", "bad-input")
        .multiPart("modality", "PET")
        .when()
        .post("/api/v1/volumes")
        .then()
        .statusCode(400)
        .body("detail", containsString("modality"));
  }

  private io.restassured.response.ValidatableResponse upload(
      Path image, Path label, String dataset) {
    return given()
        .multiPart("image", image.toFile())
        .multiPart("label", label.toFile())
        .multiPart("datasetId", dataset)
        .multiPart("modality", "CT")
        .multiPart("split", "train")
        .multiPart("labelNames", "{\"1\": \"liver\"}")
        .when()
        .post("/api/v1/volumes")
        .then()
        .statusCode(202)
        .body("created", equalTo(true));
  }

  private List<VolumeIngested> eventsFor(String volumeId) {
    return TopicProbe.shared().readAll(Topics.VOLUME_INGESTED).stream()
        .filter(r -> volumeId.equals(r.key()))
        .map(ConsumerRecord::value)
        .map(v -> codec.fromJson(v, VolumeIngested.class))
        .toList();
  }
}
