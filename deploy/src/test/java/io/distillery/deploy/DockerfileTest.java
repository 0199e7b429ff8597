package io.distillery.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * Static checks of each service's Dockerfile.jvm (no Docker engine exists to build it): Quarkus
 * fast-jar layout, pinned base image, non-root user, the service's port, and a health check.
 */
class DockerfileTest {

  static final List<String> SERVICES = RepositoryLayout.SERVICES;

  @ParameterizedTest
  @FieldSource("SERVICES")
  void quarkusJvmImageRunsAsNonRootWithAHealthCheck(String service) throws Exception {
    List<String> instructions = instructions(service);
    int port = ServiceProperties.httpPort(service);

    assertThat(instructions.get(0)).matches("FROM \\S+:\\S+").doesNotContain(":latest");
    assertThat(instructions)
        .contains(
            "COPY --chown=185 target/quarkus-app/lib/ /deployments/lib/",
            "COPY --chown=185 target/quarkus-app/*.jar /deployments/",
            "COPY --chown=185 target/quarkus-app/app/ /deployments/app/",
            "COPY --chown=185 target/quarkus-app/quarkus/ /deployments/quarkus/",
            "EXPOSE " + port,
            "ENV QUARKUS_HTTP_PORT=" + port,
            "ENV JAVA_APP_JAR=\"/deployments/quarkus-run.jar\"");
    List<String> users = instructions.stream().filter(i -> i.startsWith("USER ")).toList();
    assertThat(users).isNotEmpty();
    assertThat(users.get(users.size() - 1)).isNotIn("USER root", "USER 0");
    assertThat(instructions)
        .filteredOn(i -> i.startsWith("HEALTHCHECK "))
        .singleElement()
        .asString()
        .contains("/q/health/ready");
    assertThat(instructions.get(instructions.size() - 1)).startsWith("ENTRYPOINT ");
  }

  /** Instructions with continuation lines joined and comments dropped. */
  private static List<String> instructions(String service) throws Exception {
    List<String> out = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : Files.readAllLines(RepositoryLayout.dockerfile(service))) {
      String trimmed = line.strip();
      if (trimmed.isEmpty() || trimmed.startsWith("#")) {
        continue;
      }
      if (trimmed.endsWith("\\")) {
        current.append(trimmed, 0, trimmed.length() - 1).append(' ');
        continue;
      }
      current.append(trimmed);
      out.add(current.toString().replaceAll("\\s+", " "));
      current.setLength(0);
    }
    return out;
  }
}
