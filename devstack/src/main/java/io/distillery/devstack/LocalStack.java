package io.distillery.devstack;

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
 * The local stack as {@code ./distillery up} runs it, for end-to-end tests: the {@link Launcher} in
 * its own process, starting a real Kafka broker, a real S3 server and the four service jars as
 * child processes, with its state under {@code <stateRoot>/.distillery/}. Each child carries a
 * unique marker argument, so that a test can prove none is left behind. Used by devstack/e2e and
 * devstack/tools.
 */
public final class LocalStack implements AutoCloseable {

  /** The four services, in start order. */
  public static final List<String> SERVICES = ServiceSpec.DISTILLERY_SERVICES;

  /** JVM options of each service process: small heaps and a quick JIT for a 2-core machine. */
  public static final List<String> DEFAULT_SERVICE_JVM_OPTIONS =
      List.of("-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");

  /** The folder holding {@code .distillery/} (stack.json, logs, Kafka and S3 data). */
  public final Path root;

  private final Process launcher;
  private final Map<String, String> baseUrls = new LinkedHashMap<>();
  private final Map<String, String> healthUrls = new LinkedHashMap<>();
  private JsonNode stack;

  private LocalStack(Path root, Process launcher) {
    this.root = root;
    this.launcher = launcher;
  }

  /** Starts the launcher with the real service jars of {@code repo} and waits until ready. */
  public static LocalStack start(Path repo, Path stateRoot)
      throws IOException, InterruptedException {
    return start(repo, stateRoot, DEFAULT_SERVICE_JVM_OPTIONS);
  }

  /**
   * Starts the launcher with the real service jars of {@code repo}, each run with {@code
   * serviceJvmOptions}, and waits (up to 300 s) until every service is ready.
   *
   * @throws IllegalStateException when a service jar is missing, the launcher exits or the stack is
   *     not ready in time (with the launcher's output)
   */
  public static LocalStack start(Path repo, Path stateRoot, List<String> serviceJvmOptions)
      throws IOException, InterruptedException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String marker = "-Ddistillery.e2e.marker=" + UUID.randomUUID();
    StringBuilder services = new StringBuilder();
    for (String service : SERVICES) {
      Path jar = repo.resolve(service).resolve("target/quarkus-app/quarkus-run.jar");
      if (!Files.exists(jar)) {
        throw new IllegalStateException(jar + " is missing; build the services first");
      }
      List<String> line = new ArrayList<>();
      line.add(service);
      line.add(java);
      line.addAll(serviceJvmOptions);
      line.add("-Dai.djl.offline=true");
      line.add(marker);
      line.add("-jar");
      line.add(jar.toString());
      services.append(String.join("\t", line));
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

  /** Base URL of a service, e.g. {@code http://127.0.0.1:41234}. */
  public String baseUrl(String service) {
    return baseUrls.get(service);
  }

  /** Readiness URL of each service. */
  public Map<String, String> healthUrls() {
    return healthUrls;
  }

  /** The launcher's {@code stack.json} (Kafka, S3 with keys, services). */
  public JsonNode stackFile() {
    return stack;
  }

  /** Every live process started by this stack (the launcher and its children). */
  public List<ProcessHandle> processes() {
    List<ProcessHandle> result = new ArrayList<>();
    ProcessHandle.allProcesses()
        .filter(p -> p.info().commandLine().map(c -> c.contains(markerInUse)).orElse(false))
        .forEach(result::add);
    return result;
  }

  /** SIGTERM to the launcher, as Ctrl-C or {@code kill} would send, then waits for it to exit. */
  public int terminate() throws InterruptedException {
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
