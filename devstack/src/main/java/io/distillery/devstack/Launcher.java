package io.distillery.devstack;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The local mode: {@code up} starts the Kafka broker and the S3 server (state under {@code
 * <root>/.distillery/}) and the four services as child processes, waits until every service is
 * ready, and keeps running until it gets SIGTERM/Ctrl-C or a service dies; then it stops
 * everything. {@code down} stops a running launcher.
 *
 * <pre>
 * Launcher up [--clean] [--root DIR] [--services-file FILE] [--health-timeout SECONDS]
 * Launcher down [--root DIR]
 * </pre>
 *
 * <p>Files under {@code .distillery/}: {@code launcher.pid}, {@code stack.json} (ports and URLs for
 * other tools), {@code ready} (exists while everything is up), {@code logs/<service>.log}, {@code
 * kafka/}, {@code s3/}.
 */
public final class Launcher {
  private static final Duration STOP_GRACE = Duration.ofSeconds(15);
  private static final int LOG_TAIL_LINES = 40;

  private final Path root;
  private final Path stateDir;
  private final PrintStream out;
  private final List<ServiceProcess> services = new ArrayList<>();
  private DevStack stack;
  private volatile boolean stopping;

  Launcher(Path root, PrintStream out) {
    this.root = root.toAbsolutePath().normalize();
    this.stateDir = this.root.resolve(".distillery");
    this.out = out;
  }

  public static void main(String[] args) {
    Options options;
    try {
      options = Options.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("distillery: " + e.getMessage());
      System.err.println(Options.USAGE);
      System.exit(2);
      return;
    }
    Launcher launcher = new Launcher(options.root, System.out);
    int status;
    try {
      status =
          switch (options.command) {
            case "up" -> launcher.up(options);
            case "down" -> launcher.down();
            default -> {
              System.out.println(Options.USAGE);
              yield 0;
            }
          };
    } catch (DevStackException e) {
      System.err.println("distillery: " + e.getMessage());
      status = 1;
    }
    System.exit(status);
  }

  /** Starts everything and blocks until stopped; returns the exit status. */
  int up(Options options) {
    Path pidFile = stateDir.resolve("launcher.pid");
    Optional<ProcessHandle> running = runningLauncher(pidFile);
    if (running.isPresent()) {
      throw new DevStackException(
          "already running (pid " + running.get().pid() + "); stop it with ./distillery down");
    }
    if (options.clean) {
      Directories.deleteRecursively(stateDir);
    }
    Path logs = stateDir.resolve("logs");
    try {
      Files.createDirectories(logs);
      Files.deleteIfExists(stateDir.resolve("ready"));
      Files.writeString(pidFile, Long.toString(ProcessHandle.current().pid()));
    } catch (IOException e) {
      throw new DevStackException("cannot prepare " + stateDir, e);
    }
    Runtime.getRuntime().addShutdownHook(new Thread(this::stopAll, "distillery-launcher-stop"));

    long started = System.nanoTime();
    out.println("Starting Kafka and S3 (state in " + stateDir + ") ...");
    stack = DevStack.builder().stateDir(stateDir).start();
    Map<String, String> env = stack.environment();
    List<ServiceSpec> specs =
        options.servicesFile == null
            ? ServiceSpec.distilleryServices(root, env)
            : ServiceSpec.fromFile(options.servicesFile, env);
    for (ServiceSpec spec : specs) {
      out.println("Starting " + spec.name() + " on " + spec.baseUrl() + " ...");
      services.add(ServiceProcess.start(spec, logs.resolve(spec.name() + ".log")));
    }
    Optional<ServiceProcess> failed = awaitReady(options.healthTimeout);
    if (failed.isPresent()) {
      return fail(failed.get());
    }
    writeStackFile("ready");
    touch(stateDir.resolve("ready"));
    printTable(Duration.ofNanos(System.nanoTime() - started));
    return monitor();
  }

  /** Polls every service's readiness URL; returns the first that died or timed out. */
  private Optional<ServiceProcess> awaitReady(Duration timeout) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    long deadline = System.nanoTime() + timeout.toNanos();
    List<ServiceProcess> pending = new ArrayList<>(services);
    while (!pending.isEmpty()) {
      for (ServiceProcess service : List.copyOf(pending)) {
        if (!service.isAlive()) {
          return Optional.of(service);
        }
        if (isReady(http, service.spec().healthUrl())) {
          out.println("  " + service.spec().name() + " is ready");
          pending.remove(service);
        }
      }
      if (System.nanoTime() > deadline && !pending.isEmpty()) {
        out.println(
            pending.get(0).spec().name() + " not ready after " + timeout.toSeconds() + " s");
        return Optional.of(pending.get(0));
      }
      sleep(250);
    }
    return Optional.empty();
  }

  private static boolean isReady(HttpClient http, URI health) {
    try {
      HttpRequest request = HttpRequest.newBuilder(health).timeout(Duration.ofSeconds(2)).build();
      return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Watches the children until one dies (a failure) or a signal starts the shutdown. */
  private int monitor() {
    while (true) {
      if (stopping) {
        sleep(Long.MAX_VALUE); // the shutdown hook stops everything and the JVM exits
      }
      for (ServiceProcess service : services) {
        if (!service.isAlive() && !stopping) {
          return fail(service);
        }
      }
      sleep(300);
    }
  }

  private int fail(ServiceProcess service) {
    if (stopping) {
      return 1; // a signal is stopping everything; the child did not fail on its own
    }
    if (service.isAlive()) {
      out.println(
          "Service "
              + service.spec().name()
              + " did not become ready; last lines of "
              + service.logFile()
              + ":");
    } else {
      out.println(
          "Service "
              + service.spec().name()
              + " exited with status "
              + service.exitValue()
              + "; last lines of "
              + service.logFile()
              + ":");
    }
    out.println(service.logTail(LOG_TAIL_LINES));
    out.println("Stopping everything.");
    stopAll();
    return 1;
  }

  /** Stops the services (children and their descendants), then the broker and S3; idempotent. */
  synchronized void stopAll() {
    if (stopping && services.isEmpty() && stack == null) {
      return;
    }
    stopping = true;
    for (int i = services.size() - 1; i >= 0; i--) {
      services.get(i).stop(STOP_GRACE);
    }
    services.clear();
    if (stack != null) {
      stack.close();
      stack = null;
    }
    try {
      Files.deleteIfExists(stateDir.resolve("ready"));
      Files.deleteIfExists(stateDir.resolve("launcher.pid"));
      if (Files.exists(stateDir.resolve("stack.json"))) {
        writeStackFile("stopped");
      }
    } catch (IOException | RuntimeException e) {
      // The JVM is exiting; the next `up` tolerates stale files.
    }
    out.println("Stopped.");
  }

  /** Sends SIGTERM to a running launcher and waits until it has stopped everything. */
  int down() {
    Path pidFile = stateDir.resolve("launcher.pid");
    Optional<ProcessHandle> running = runningLauncher(pidFile);
    if (running.isEmpty()) {
      out.println("Not running.");
      return 0;
    }
    ProcessHandle launcher = running.get();
    out.println("Stopping launcher (pid " + launcher.pid() + ") ...");
    launcher.destroy();
    try {
      launcher.onExit().get(2 * STOP_GRACE.toSeconds() + 30, java.util.concurrent.TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new DevStackException(
          "launcher " + launcher.pid() + " did not stop; kill it with: kill -9 " + launcher.pid(),
          e);
    }
    out.println("Stopped.");
    return 0;
  }

  private static Optional<ProcessHandle> runningLauncher(Path pidFile) {
    if (!Files.exists(pidFile)) {
      return Optional.empty();
    }
    try {
      long pid = Long.parseLong(Files.readString(pidFile).strip());
      return ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  private void printTable(Duration startup) {
    String format = "%-18s %-24s %-42s %-36s %s%n";
    out.printf("%nDistillery is up (%.1f s)%n%n", startup.toMillis() / 1000.0);
    out.printf(format, "SERVICE", "URL", "HEALTH", "SWAGGER UI", "LOG");
    for (ServiceProcess s : services) {
      ServiceSpec spec = s.spec();
      out.printf(
          format,
          spec.name(),
          spec.baseUrl(),
          spec.healthUrl(),
          spec.swaggerUrl(),
          root.relativize(s.logFile()));
    }
    out.printf("%nKafka bootstrap servers  %s%n", stack.bootstrapServers());
    out.printf(
        "S3 endpoint              %s (bucket %s, access key %s)%n",
        stack.endpoint(), stack.bucket(), stack.accessKey());
    out.printf("Stop with Ctrl-C or ./distillery down%n");
  }

  private void writeStackFile(String status) {
    StringBuilder json = new StringBuilder();
    json.append("{\n  \"status\": ").append(Json.string(status));
    json.append(",\n  \"launcherPid\": ").append(ProcessHandle.current().pid());
    if (stack != null) {
      json.append(",\n  \"kafka\": {\"bootstrapServers\": ")
          .append(Json.string(stack.bootstrapServers()))
          .append("}");
      json.append(",\n  \"s3\": {\"endpoint\": ")
          .append(Json.string(stack.endpoint().toString()))
          .append(", \"accessKey\": ")
          .append(Json.string(stack.accessKey()))
          .append(", \"secretKey\": ")
          .append(Json.string(stack.secretKey()))
          .append(", \"bucket\": ")
          .append(Json.string(stack.bucket()))
          .append("}");
    }
    json.append(",\n  \"services\": [");
    for (int i = 0; i < services.size(); i++) {
      ServiceProcess s = services.get(i);
      json.append(i == 0 ? "\n" : ",\n")
          .append("    {\"name\": ")
          .append(Json.string(s.spec().name()))
          .append(", \"pid\": ")
          .append(s.pid())
          .append(", \"url\": ")
          .append(Json.string(s.spec().baseUrl().toString()))
          .append(", \"health\": ")
          .append(Json.string(s.spec().healthUrl().toString()))
          .append(", \"swagger\": ")
          .append(Json.string(s.spec().swaggerUrl().toString()))
          .append(", \"log\": ")
          .append(Json.string(s.logFile().toString()))
          .append("}");
    }
    json.append(services.isEmpty() ? "]\n}\n" : "\n  ]\n}\n");
    Path file = stateDir.resolve("stack.json");
    Path tmp = stateDir.resolve("stack.json.tmp");
    try {
      // Write-then-rename so that readers never see half a file.
      Files.writeString(tmp, json, StandardCharsets.UTF_8);
      Files.move(
          tmp,
          file,
          java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new DevStackException("cannot write " + file, e);
    }
  }

  private static void touch(Path file) {
    try {
      Files.writeString(file, "");
    } catch (IOException e) {
      throw new DevStackException("cannot write " + file, e);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Command-line options. */
  record Options(
      String command, boolean clean, Path root, Path servicesFile, Duration healthTimeout) {
    static final String USAGE =
        """
        usage: distillery up [--clean] [--background] [--services-file FILE] [--health-timeout S]
               distillery down
               distillery help
          up       start Kafka, S3 and the four services; state in .distillery/ (--clean wipes it)
          down     stop a running 'up'""";

    static Options parse(String[] args) {
      String command = args.length == 0 ? "help" : args[0];
      if (!List.of("up", "down", "help").contains(command)) {
        throw new IllegalArgumentException("unknown command '" + command + "'");
      }
      boolean clean = false;
      Path root = Path.of(System.getProperty("distillery.root", ""));
      Path servicesFile = null;
      Duration timeout = Duration.ofSeconds(120);
      for (int i = 1; i < args.length; i++) {
        switch (args[i]) {
          case "--clean" -> clean = true;
          case "--root" -> root = Path.of(value(args, ++i, "--root"));
          case "--services-file" -> servicesFile = Path.of(value(args, ++i, "--services-file"));
          case "--health-timeout" ->
              timeout = Duration.ofSeconds(Long.parseLong(value(args, ++i, "--health-timeout")));
          default -> throw new IllegalArgumentException("unknown option '" + args[i] + "'");
        }
      }
      return new Options(command, clean, root, servicesFile, timeout);
    }

    private static String value(String[] args, int i, String option) {
      if (i >= args.length) {
        throw new IllegalArgumentException(option + " needs a value");
      }
      return args[i];
    }
  }

  /** Just enough JSON for stack.json. */
  private static final class Json {
    private Json() {}

    static String string(String s) {
      StringBuilder b = new StringBuilder("\"");
      for (char c : s.toCharArray()) {
        switch (c) {
          case '"' -> b.append("\\\"");
          case '\\' -> b.append("\\\\");
          case '\n' -> b.append("\\n");
          case '\r' -> b.append("\\r");
          case '\t' -> b.append("\\t");
          default -> {
            if (c < 0x20) {
              b.append(String.format("\\u%04x", (int) c));
            } else {
              b.append(c);
            }
          }
        }
      }
      return b.append('"').toString();
    }
  }
}
