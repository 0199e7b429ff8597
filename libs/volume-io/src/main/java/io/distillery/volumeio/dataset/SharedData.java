package io.distillery.volumeio.dataset;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Locates the project's shared evaluation data ({@code ../shared/data}): the system property {@code
 * distillery.shared.data} (set by the parent pom for tests), else the environment variable {@code
 * DISTILLERY_SHARED_DATA}. Tests use it with JUnit assumptions to skip when the data is absent.
 */
public final class SharedData {
  /** System property naming the folder. */
  public static final String PROPERTY = "distillery.shared.data";

  /** Environment variable naming the folder. */
  public static final String ENV = "DISTILLERY_SHARED_DATA";

  private SharedData() {}

  /** The shared data folder, if configured and present as a directory. */
  public static Optional<Path> root() {
    for (String candidate : new String[] {System.getProperty(PROPERTY), System.getenv(ENV)}) {
      if (candidate != null && !candidate.isBlank()) {
        Path p = Path.of(candidate).toAbsolutePath().normalize();
        if (Files.isDirectory(p)) {
          return Optional.of(p);
        }
      }
    }
    return Optional.empty();
  }

  /** A dataset folder below the root, e.g. {@code "btcv-liver"}, if present. */
  public static Optional<Path> dataset(String name) {
    return root().map(r -> r.resolve(name)).filter(Files::isDirectory);
  }

  /** Message for skipped tests. */
  public static String missingMessage() {
    return "shared data not found: set -D" + PROPERTY + " or " + ENV + " to ../shared/data";
  }
}
