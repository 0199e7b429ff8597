package io.distillery.tools;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A temporary directory for one run of a subcommand (downloaded models, engine caches, written
 * files), deleted with everything in it on {@link #close()}.
 */
public final class WorkDirectory implements AutoCloseable {

  private final Path path;

  private WorkDirectory(Path path) {
    this.path = path;
  }

  /** A new, empty directory in the system's temporary folder, named {@code prefix…}. */
  public static WorkDirectory create(String prefix) throws IOException {
    return new WorkDirectory(Files.createTempDirectory(prefix));
  }

  public Path path() {
    return path;
  }

  /** {@code other} inside this directory. */
  public Path resolve(String other) {
    return path.resolve(other);
  }

  /** Deletes the directory and everything in it. */
  @Override
  public void close() throws IOException {
    try (Stream<Path> paths = Files.walk(path)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
