package io.distillery.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.distillery.devstack.ServiceSpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Each of the four built services, started as {@code ./distillery up} and the images start it
 * ({@code java -jar quarkus-run.jar}: the prod profile) but without S3 credentials, refuses to
 * start, and its output names both missing settings with their environment variables: there is no
 * built-in fallback outside the dev and test profiles.
 */
class ProdModeCredentialsTest {

  private static final String ACCESS = "distillery.s3.access-key (DISTILLERY_S3_ACCESS_KEY)";
  private static final String SECRET = "distillery.s3.secret-key (DISTILLERY_S3_SECRET_KEY)";

  @Test
  void everyServiceRefusesToStartWithoutS3CredentialsNamingThem() throws Exception {
    Path repo = Path.of(System.getProperty("distillery.root")).toAbsolutePath().normalize();
    Path logs = Files.createDirectories(repo.resolve("devstack/e2e/target/prod-credentials"));
    // Nothing listens on port 1: no service gets as far as talking to Kafka or S3.
    Map<String, String> env =
        Map.of(
            "KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:1",
            "DISTILLERY_S3_ENDPOINT", "http://127.0.0.1:1");
    List<ServiceSpec> services = ServiceSpec.distilleryServices(repo, env);
    assertThat(services).hasSize(4);
    for (ServiceSpec service : services) {
      Path log = logs.resolve(service.name() + ".log");
      ProcessBuilder builder = new ProcessBuilder(service.command());
      builder.environment().keySet().removeIf(k -> k.startsWith("DISTILLERY_S3_"));
      builder.environment().putAll(service.env());
      builder.redirectErrorStream(true).redirectOutput(log.toFile());
      Process process = builder.start();
      boolean exited = process.waitFor(180, TimeUnit.SECONDS);
      if (!exited) {
        process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      }
      String output = Files.readString(log, StandardCharsets.UTF_8);

      assertThat(exited).as("%s exits on its own; output:%n%s", service.name(), output).isTrue();
      assertThat(process.exitValue()).as("%s exit status", service.name()).isNotZero();
      assertThat(output)
          .as("%s output", service.name())
          .contains("S3 credentials are not configured")
          .contains(ACCESS)
          .contains(SECRET);
    }
  }
}
