package io.distillery.devstack;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A running child process of the {@link Launcher}, with its output appended to a log file. */
final class ServiceProcess {
  private final ServiceSpec spec;
  private final Process process;
  private final Path logFile;

  private ServiceProcess(ServiceSpec spec, Process process, Path logFile) {
    this.spec = spec;
    this.process = process;
    this.logFile = logFile;
  }

  static ServiceProcess start(ServiceSpec spec, Path logFile) {
    ProcessBuilder builder = new ProcessBuilder(spec.command());
    builder.environment().putAll(spec.env());
    builder.redirectErrorStream(true);
    builder.redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
    try {
      return new ServiceProcess(spec, builder.start(), logFile);
    } catch (IOException e) {
      throw new DevStackException("cannot start " + spec.name() + ": " + spec.command(), e);
    }
  }

  ServiceSpec spec() {
    return spec;
  }

  Path logFile() {
    return logFile;
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  int exitValue() {
    return process.exitValue();
  }

  /**
   * SIGTERM, then SIGKILL after {@code grace}; the same for every descendant the service started
   * (collected first, because they are re-parented once the service is gone).
   */
  void stop(Duration grace) {
    List<ProcessHandle> descendants = new ArrayList<>(process.descendants().toList());
    terminate(process.toHandle(), grace);
    for (ProcessHandle child : descendants) {
      terminate(child, grace);
    }
  }

  private static void terminate(ProcessHandle handle, Duration grace) {
    if (!handle.isAlive()) {
      return;
    }
    handle.destroy();
    try {
      handle.onExit().get(grace.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      handle.destroyForcibly();
    } catch (Exception timeout) {
      handle.destroyForcibly();
    }
  }

  /** The last {@code lines} lines of the log. */
  String logTail(int lines) {
    try {
      // Decoding leniently: a crashing JVM may leave partial multi-byte characters behind.
      List<String> all =
          new String(Files.readAllBytes(logFile), StandardCharsets.UTF_8).lines().toList();
      return String.join(
          System.lineSeparator(), all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(cannot read " + logFile + ": " + e.getMessage() + ")";
    }
  }
}
