package io.distillery.inference.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.distillery.objectstore.S3Credentials.MissingS3CredentialsException;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * S3 credentials have built-in values in the dev and test profiles only: in the prod profile (what
 * {@code java -jar quarkus-run.jar} runs) the service's own {@code application.properties} and
 * {@link InferenceConfig} give none, and the service's startup check refuses to start, naming the
 * settings.
 */
class S3CredentialsProfileTest {

  @Test
  void prodProfileHasNoCredentialsAndTheStartupCheckRefusesNamingTheSettings() throws Exception {
    InferenceConfig config = mapping("prod");

    assertThat(config.s3().accessKey()).isEmpty();
    assertThat(config.s3().secretKey()).isEmpty();
    assertThatThrownBy(() -> new ObjectStoreProducer().requireCredentials(null, config))
        .isInstanceOf(MissingS3CredentialsException.class)
        .hasMessageContaining("distillery.s3.access-key (DISTILLERY_S3_ACCESS_KEY)")
        .hasMessageContaining("distillery.s3.secret-key (DISTILLERY_S3_SECRET_KEY)");
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "test"})
  void devAndTestProfilesKeepTheDevelopmentCredentials(String profile) throws Exception {
    InferenceConfig config = mapping(profile);

    assertThat(config.s3().accessKey()).contains("distillery");
    assertThat(config.s3().secretKey()).contains("distillery-secret");
    new ObjectStoreProducer().requireCredentials(null, config);
  }

  /**
   * The configuration mapping as the service's application.properties alone gives it (durations
   * such as {@code 1s} read as Quarkus reads them).
   */
  private static InferenceConfig mapping(String profile) throws Exception {
    SmallRyeConfig config =
        new SmallRyeConfigBuilder()
            .withProfile(profile)
            .withSources(
                new PropertiesConfigSource(
                    S3CredentialsProfileTest.class.getResource("/application.properties")))
            .withConverter(Duration.class, 200, new DurationConverter())
            .withMapping(InferenceConfig.class)
            .withValidateUnknown(false)
            .build();
    return config.getConfigMapping(InferenceConfig.class);
  }
}
