package io.distillery.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The local stack as {@code ./distillery up} runs it: the launcher in its own process, starting a
 * real Kafka broker, a real S3 server and the four service jars as child processes. Each child
 * carries a unique marker argument, so that the test can prove none is left behind.
 */
final class LocalStack implements AutoCloseable {

  static final List<String> SERVICES =
      List.of("ingest-service", "teacher-service", "student-trainer", "inference-service");

  final Path root;
  private final Process launcher;
  private final Map<String, String> baseUrls = new LinkedHashMap<>();
  private final Map<String, String> healthUrls = new LinkedHashMap<>();
  private JsonNode stack;

  private LocalStack(Path root, Process launcher) {
    this.root = root;
    this.launcher = launcher;
  }

  /** Starts the launcher with the real service jars of {@code repo} and waits until ready. */
  static LocalStack start(Path repo, Path stateRoot) throws IOException, InterruptedException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String marker = "-Ddistillery.e2e.marker=" + UUID.randomUUID();
    StringBuilder services = new StringBuilder();
    for (String service : SERVICES) {
      Path jar = repo.resolve(service).resolve("target/quarkus-app/quarkus-run.jar");
      if (!Files.exists(jar)) {
        throw new IllegalStateException(jar + " is missing; build the services first");
      }
      services.append(
          String.join(
              "\t",
              service,
              java,
              "-Xmx384m",
              "-XX:+UseSerialGC",
              "-XX:TieredStopAtLevel=1",
              "-Dai.djl.offline=true",
              marker,
              "-jar",
              jar.toString()));
      services.append('\n');
    }
    Path servicesFile = stateRoot.resolve("services.tsv");
    Files.writeString(servicesFile, services);
    Path devstack = repo.resolve("devstack");
    String classpath =
        devstack.resolve("target/classes")
            + File.pathSeparator
            + Files.readString(devstack.resolve("target/classpath.txt")).strip();
    Process process =
        new ProcessBuilder(
                java,
                "-Xmx512m",
                "-XX:+UseSerialGC",
                marker,
                "-cp",
                classpath,
                "io.distillery.devstack.Launcher",
                "up",
                "--root",
                stateRoot.toString(),
                "--services-file",
                servicesFile.toString(),
                "--health-timeout",
                "240")
            .redirectErrorStream(true)
            .redirectOutput(stateRoot.resolve("launcher-output.txt").toFile())
            .start();
    LocalStack stack = new LocalStack(stateRoot, process);
    stack.awaitReady(Duration.ofSeconds(300), marker);
    return stack;
  }

  private void awaitReady(Duration timeout, String childMarker)
      throws IOException, InterruptedException {
    Path ready = root.resolve(".distillery/ready");
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!Files.exists(ready)) {
      if (!launcher.isAlive()) {
        throw new IllegalStateException(
            "launcher exited with "
                + launcher.exitValue()
                + ":\n"
                + Files.readString(root.resolve("launcher-output.txt")));
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "stack not ready in "
                + timeout
                + ":\n"
                + Files.readString(root.resolve("launcher-output.txt")));
      }
      Thread.sleep(250);
    }
    stack = new ObjectMapper().readTree(root.resolve(".distillery/stack.json").toFile());
    for (JsonNode s : stack.get("services")) {
      baseUrls.put(s.get("name").asText(), s.get("url").asText());
      healthUrls.put(s.get("name").asText(), s.get("health").asText());
    }
    markerInUse = childMarker;
  }

  private String markerInUse;

  String baseUrl(String service) {
    return baseUrls.get(service);
  }

  Map<String, String> healthUrls() {
    return healthUrls;
  }

  JsonNode stackFile() {
    return stack;
  }

  /** Every live process started by this stack (the launcher and its children). */
  List<ProcessHandle> processes() {
    List<ProcessHandle> result = new ArrayList<>();
    ProcessHandle.allProcesses()
        .filter(p -> p.info().commandLine().map(c -> c.contains(markerInUse)).orElse(false))
        .forEach(result::add);
    return result;
  }

  /** SIGTERM to the launcher, as Ctrl-C or {@code kill} would send, then waits for it to exit. */
  int terminate() throws InterruptedException {
    launcher.destroy();
    if (!launcher.waitFor(120, TimeUnit.SECONDS)) {
      launcher.destroyForcibly();
      throw new IllegalStateException("launcher did not stop within 120 s of SIGTERM");
    }
    return launcher.exitValue();
  }

  @Override
  public void close() throws InterruptedException {
    if (launcher.isAlive()) {
      terminate();
    }
    if (markerInUse != null) {
      processes().forEach(ProcessHandle::destroyForcibly);
    }
  }
}
