package io.distillery.objectstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.distillery.objectstore.S3Credentials.MissingS3CredentialsException;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class S3CredentialsTest {

  @Test
  void bothMissingAreNamedWithTheirEnvironmentVariables() {
    assertThatThrownBy(
            () -> S3Credentials.require("distillery.s3", Optional.empty(), Optional.empty()))
        .isInstanceOf(MissingS3CredentialsException.class)
        .hasMessageContaining(
            "set distillery.s3.access-key (DISTILLERY_S3_ACCESS_KEY) and"
                + " distillery.s3.secret-key (DISTILLERY_S3_SECRET_KEY)")
        .hasMessageContaining("only in the dev and test profiles");
  }

  @Test
  void onlyTheMissingOneIsNamedAndBlankCountsAsMissing() {
    assertThatThrownBy(
            () -> S3Credentials.require("distillery.s3", Optional.of("key"), Optional.of("  ")))
        .isInstanceOf(MissingS3CredentialsException.class)
        .hasMessageContaining("distillery.s3.secret-key (DISTILLERY_S3_SECRET_KEY)")
        .message()
        .doesNotContain("access-key");
  }

  @Test
  void presentKeysAreReturnedAndTheSecretIsNeverPrinted() {
    S3Credentials c =
        S3Credentials.require("distillery.s3", Optional.of("key"), Optional.of("s3cr3t"));
    assertThat(c.accessKey()).isEqualTo("key");
    assertThat(c.secretKey()).isEqualTo("s3cr3t");
    assertThat(c.toString()).contains("key").doesNotContain("s3cr3t");
  }
}
