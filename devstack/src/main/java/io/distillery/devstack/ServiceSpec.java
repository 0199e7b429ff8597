package io.distillery.devstack;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A service the {@link Launcher} runs as a child process: its command line, its environment, the
 * URL it serves and the readiness URL that must answer 200 before it counts as up.
 */
public record ServiceSpec(
    String name, List<String> command, Map<String, String> env, URI baseUrl, URI healthUrl) {

  /** The four Distillery services, in start order. */
  public static final List<String> DISTILLERY_SERVICES =
      List.of("ingest-service", "teacher-service", "student-trainer", "inference-service");

  public ServiceSpec {
    command = List.copyOf(command);
    env = Map.copyOf(env);
  }

  /** Swagger UI of a Quarkus service. */
  public URI swaggerUrl() {
    return baseUrl.resolve("/q/swagger-ui");
  }

  /**
   * Heap of each service started by the launcher. The student-trainer holds its training set on the
   * heap (30 phantoms at 4 mm with four teachers' soft labels take about 600 MiB); the others
   * stream. Native (libtorch, ONNX Runtime) memory comes on top [our choice].
   */
  public static final Map<String, String> HEAP =
      Map.of(
          "ingest-service", "512m",
          "teacher-service", "768m",
          "student-trainer", "6g",
          "inference-service", "768m");

  /**
   * The Distillery services as built by Maven: {@code java -Xmx<HEAP> -jar
   * <root>/<service>/target/quarkus-app/quarkus-run.jar}, each on a free port ({@code
   * QUARKUS_HTTP_PORT}) of {@link #bindHost()} ({@code QUARKUS_HTTP_HOST}) and with the stack's
   * environment.
   *
   * @throws DevStackException if a service has not been built
   */
  public static List<ServiceSpec> distilleryServices(Path root, Map<String, String> stackEnv) {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<ServiceSpec> specs = new ArrayList<>();
    for (String name : DISTILLERY_SERVICES) {
      Path jar = root.resolve(name).resolve("target/quarkus-app/quarkus-run.jar");
      if (!Files.isRegularFile(jar)) {
        throw new DevStackException(
            "missing " + jar + ": build the services first (./mvnw -B -DskipTests install)");
      }
      List<String> command =
          List.of(java, "-Xmx" + HEAP.get(name), "-Dai.djl.offline=true", "-jar", jar.toString());
      specs.add(onFreePort(name, command, withPassiveOpenMp(stackEnv)));
    }
    return specs;
  }

  /**
   * {@code OMP_WAIT_POLICY=PASSIVE} unless the caller's environment sets it: the services run on
   * one machine, each with its own libtorch OpenMP pool, and spinning idle workers of one service
   * take the cores another needs (the trainer and the teacher-service work at the same time during
   * a demo) [our choice].
   */
  static Map<String, String> withPassiveOpenMp(Map<String, String> stackEnv) {
    Map<String, String> env = new LinkedHashMap<>(stackEnv);
    if (System.getenv("OMP_WAIT_POLICY") == null) {
      env.putIfAbsent("OMP_WAIT_POLICY", "PASSIVE");
    }
    return env;
  }

  /**
   * Services described in a file, one per line: the name, then the command line, separated by tabs;
   * {@code {port}} in an argument becomes the service's port. Blank lines and {@code #} comments
   * are skipped. Used to run services other than the built ones (tests, experiments).
   */
  public static List<ServiceSpec> fromFile(Path file, Map<String, String> stackEnv) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new DevStackException("cannot read services file " + file, e);
    }
    List<ServiceSpec> specs = new ArrayList<>();
    for (String line : lines) {
      if (line.isBlank() || line.strip().startsWith("#")) {
        continue;
      }
      String[] fields = line.split("\t");
      if (fields.length < 2) {
        throw new DevStackException(
            "services file " + file + ": expected 'name<TAB>command...' but got: " + line);
      }
      specs.add(onFreePort(fields[0], List.of(fields).subList(1, fields.length), stackEnv));
    }
    return specs;
  }

  /**
   * The interface the services listen on: loopback only, unless {@code QUARKUS_HTTP_HOST} is set in
   * the launcher's environment (e.g. {@code QUARKUS_HTTP_HOST=0.0.0.0 ./distillery up} to reach the
   * stack from other machines). Local mode has no authentication, so it is not exposed by default.
   */
  public static String bindHost() {
    String host = System.getenv("QUARKUS_HTTP_HOST");
    return host == null || host.isBlank() ? "127.0.0.1" : host;
  }

  private static ServiceSpec onFreePort(
      String name, List<String> command, Map<String, String> stackEnv) {
    int port = FreePorts.next();
    Map<String, String> env = new LinkedHashMap<>(stackEnv);
    env.put("QUARKUS_HTTP_PORT", Integer.toString(port));
    env.put("QUARKUS_HTTP_HOST", bindHost());
    List<String> resolved =
        command.stream().map(arg -> arg.replace("{port}", Integer.toString(port))).toList();
    URI base = URI.create("http://127.0.0.1:" + port);
    return new ServiceSpec(name, resolved, env, base, base.resolve("/q/health/ready"));
  }
}
