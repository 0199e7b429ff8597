package io.distillery.ingest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.distillery.devstack.DevStackTestResource;
import io.distillery.ingest.config.IngestConfig;
import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URL;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The upload limit under its real default (1 GiB), on the real broker and S3 server: a typical
 * uncompressed CT of 100 MB is ingested, and a body declared larger than the limit is refused with
 * problem+json before it is sent; a chunked body, whose size is unknown until read, gets 411.
 */
@QuarkusTest
@QuarkusTestResource(value = DevStackTestResource.class, restrictToAnnotatedClass = false)
class UploadLimitTest {

  @TestHTTPResource("/api/v1/volumes")
  URL volumes;

  @TempDir Path dir;

  @Inject IngestConfig config;

  @ConfigProperty(name = "quarkus.http.limits.max-body-size")
  MemorySize bodyLimit;

  @Test
  void hundredMegabyteUncompressedCtIsAccepted() throws Exception {
    Path image = dir.resolve("ct.nii");
    long size = LargeNifti.write(image, 512, 512, 200);
    assertThat(size).isEqualTo(352L + 512L * 512 * 200 * 2);

    given()
        .multiPart("image", image.toFile())
        .multiPart("datasetId", "upload-limit")
        .multiPart("modality", "CT")
        .when()
        .post("/api/v1/volumes")
        .then()
        .statusCode(202)
        .body("volume.shape", equalTo(List.of(512, 512, 200)));
  }

  @Test
  void bodyDeclaredLargerThanTheDefaultLimitGets413ProblemJsonBeforeItIsSent() throws Exception {
    // Only the headers are sent: the refusal comes before a byte of the 1 GiB body.
    String response = RawHttp.postDeclaringLength(volumes, 1024L * 1024 * 1024 + 1);

    assertThat(response).startsWith("HTTP/1.1 413");
    assertThat(response.toLowerCase(Locale.ROOT))
        .contains("content-type: application/problem+json");
    assertThat(response)
        .contains("\"status\":413")
        .contains("the upload limit of 1073741824 bytes (distillery.ingest.max-upload-bytes)");
  }

  @Test
  void chunkedBodyIsRefusedWith411ProblemJsonNamingTheLimit() throws Exception {
    String response = RawHttp.postChunked(volumes, 3L * 1024 * 1024);

    assertThat(response).startsWith("HTTP/1.1 411");
    assertThat(response.toLowerCase(Locale.ROOT))
        .contains("content-type: application/problem+json");
    assertThat(response)
        .contains("\"title\":\"Length required\"")
        .contains("the upload limit of 1073741824 bytes (distillery.ingest.max-upload-bytes)");
  }

  @Test
  void quarkusBodyLimitIsTheUploadLimit() {
    // The backstop inside Quarkus is configured from the one key, not set separately.
    assertThat(bodyLimit.asLongValue()).isEqualTo(config.ingest().maxUploadBytes());
  }
}
