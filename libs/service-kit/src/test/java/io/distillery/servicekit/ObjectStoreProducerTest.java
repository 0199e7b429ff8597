package io.distillery.servicekit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.distillery.objectstore.S3Credentials.MissingS3CredentialsException;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The kit's S3 settings and the startup check every service runs: without keys a service refuses to
 * start naming both settings and their environment variables; with keys it starts. (That each
 * service's prod profile has no keys is shown on the built jars by the e2e {@code
 * ProdModeCredentialsTest}.)
 */
class ObjectStoreProducerTest {

  @Test
  void withoutKeysTheStartupCheckRefusesNamingTheSettings() {
    S3Config s3 = mapping(Map.of("distillery.s3.endpoint", "http://127.0.0.1:1"));

    assertThat(s3.accessKey()).isEmpty();
    assertThat(s3.bucket()).isEqualTo("distillery");
    assertThatThrownBy(() -> new ObjectStoreProducer().requireCredentials(null, s3))
        .isInstanceOf(MissingS3CredentialsException.class)
        .hasMessageContaining("distillery.s3.access-key (DISTILLERY_S3_ACCESS_KEY)")
        .hasMessageContaining("distillery.s3.secret-key (DISTILLERY_S3_SECRET_KEY)");
  }

  @Test
  void withKeysTheStartupCheckPasses() {
    S3Config s3 =
        mapping(
            Map.of(
                "distillery.s3.access-key", "key",
                "distillery.s3.secret-key", "secret",
                "distillery.s3.bucket", "other"));

    new ObjectStoreProducer().requireCredentials(null, s3);
    assertThat(s3.secretKey()).contains("secret");
    assertThat(s3.bucket()).isEqualTo("other");
  }

  private static S3Config mapping(Map<String, String> properties) {
    return new SmallRyeConfigBuilder()
        .withSources(new PropertiesConfigSource(properties, "test", 100))
        .withMapping(S3Config.class)
        .build()
        .getConfigMapping(S3Config.class);
  }
}
