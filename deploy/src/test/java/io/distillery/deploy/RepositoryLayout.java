package io.distillery.deploy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Where the deployment files and the services live, from the repository root (system property
 * {@code distillery.root}, set by the parent pom's Surefire configuration; else the parent of the
 * module directory).
 */
final class RepositoryLayout {

  /** The four services, with the HTTP port each listens on (docker-compose and Kubernetes). */
  static final List<String> SERVICES =
      List.of("ingest-service", "teacher-service", "student-trainer", "inference-service");

  private RepositoryLayout() {}

  static Path root() {
    String configured = System.getProperty("distillery.root");
    Path root = configured != null ? Path.of(configured) : Path.of("..");
    if (!Files.isRegularFile(root.resolve("docker-compose.yml"))) {
      throw new IllegalStateException(
          "repository root not found (no docker-compose.yml under " + root.toAbsolutePath() + ")");
    }
    return root.toAbsolutePath().normalize();
  }

  static Path deploy() {
    return root().resolve("deploy");
  }

  static Path dockerfile(String service) {
    return root().resolve(service).resolve("src/main/docker/Dockerfile.jvm");
  }

  static Path applicationProperties(String service) {
    return root().resolve(service).resolve("src/main/resources/application.properties");
  }
}
