package io.distillery.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the launcher as a real child process (as {@code ./distillery up} does) with real HTTP
 * services, and checks that nothing outlives it.
 */
class LauncherTest {
  private static final Duration WAIT = Duration.ofSeconds(90);

  @TempDir Path root;
  private final String marker = "launcher-test-" + UUID.randomUUID();
  private Process launcher;

  @AfterEach
  void killLeftovers() {
    if (launcher != null) {
      launcher.descendants().forEach(ProcessHandle::destroyForcibly);
      launcher.destroyForcibly();
    }
    markedProcesses().forEach(ProcessHandle::destroyForcibly);
  }

  @Test
  void upStartsHealthyServicesAndSigtermLeavesNothingBehind() throws Exception {
    Path spec = servicesFile(service("alpha", "--spawn-child"), service("beta"));
    launcher = startLauncher(spec);
    Path state = root.resolve(".distillery");
    awaitFile(state.resolve("ready"));

    String stackJson = Files.readString(state.resolve("stack.json"));
    assertThat(stackJson).contains("\"status\": \"ready\"").contains("\"name\": \"alpha\"");
    assertThat(Long.parseLong(Files.readString(state.resolve("launcher.pid")).strip()))
        .isEqualTo(launcher.pid());
    List<String> health = all(stackJson, "\"health\": \"([^\"]+)\"");
    assertThat(health).hasSize(2);
    for (String url : health) {
      assertThat(get(url).statusCode()).isEqualTo(200);
    }
    // The services got the stack's environment.
    String bootstrap = all(stackJson, "\"bootstrapServers\": \"([^\"]+)\"").get(0);
    String env = get(all(stackJson, "\"url\": \"([^\"]+)\"").get(0) + "/env").body();
    assertThat(env)
        .contains("KAFKA_BOOTSTRAP_SERVERS=" + bootstrap)
        .contains("DISTILLERY_S3_BUCKET=distillery")
        .contains("DISTILLERY_S3_ENDPOINT=http://127.0.0.1:")
        .contains("QUARKUS_HTTP_HOST=127.0.0.1");
    // A service that binds where the launcher says (as Quarkus does with QUARKUS_HTTP_HOST) is
    // reachable on loopback only: not through this machine's other addresses.
    int port = URI.create(all(stackJson, "\"url\": \"([^\"]+)\"").get(0)).getPort();
    for (InetAddress address : nonLoopbackAddresses()) {
      assertThatThrownBy(
              () -> {
                try (Socket socket = new Socket()) {
                  socket.connect(new InetSocketAddress(address, port), 2000);
                }
              })
          .as("connect to %s:%d", address, port)
          .isInstanceOf(IOException.class);
    }
    assertThat(Files.readString(state.resolve("logs/alpha.log"))).contains("listening on");
    assertThat(state.resolve("kafka")).isDirectory();
    assertThat(state.resolve("s3")).isDirectory();

    List<ProcessHandle> tree = launcher.descendants().toList();
    assertThat(tree).hasSizeGreaterThanOrEqualTo(3); // two services and alpha's sleep
    assertThat(markedProcesses()).hasSize(2);

    launcher.destroy(); // SIGTERM, as `./distillery down` sends
    assertThat(launcher.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
    assertThat(tree).noneMatch(ProcessHandle::isAlive);
    assertThat(markedProcesses()).isEmpty();
    assertThat(state.resolve("ready")).doesNotExist();
    assertThat(state.resolve("launcher.pid")).doesNotExist();
    assertThat(Files.readString(state.resolve("stack.json"))).contains("\"status\": \"stopped\"");
  }

  @Test
  void aDyingServiceStopsTheOthersAndFailsWithItsLogTail() throws Exception {
    Path spec = servicesFile(service("steady"), service("flaky", "--exit-after-ms", "1500"));
    launcher = startLauncher(spec);

    assertThat(launcher.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
    String output = launcherOutput();
    assertThat(launcher.exitValue()).isNotZero();
    assertThat(output)
        .contains("Service flaky exited with status 3")
        .contains("fake service " + marker + " failing on purpose");
    assertThat(markedProcesses()).isEmpty();
  }

  private Process startLauncher(Path servicesFile) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String classpath =
        Path.of("target/classes").toAbsolutePath()
            + File.pathSeparator
            + Files.readString(Path.of("target/classpath.txt")).strip();
    return new ProcessBuilder(
            java,
            "-Xmx256m",
            "-XX:+UseSerialGC",
            "-cp",
            classpath,
            Launcher.class.getName(),
            "up",
            "--root",
            root.toString(),
            "--services-file",
            servicesFile.toString(),
            "--health-timeout",
            "60")
        .redirectErrorStream(true)
        .redirectOutput(
            ProcessBuilder.Redirect.appendTo(root.resolve("launcher-output.txt").toFile()))
        .start();
  }

  private String service(String name, String... extra) {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> fields =
        new ArrayList<>(
            List.of(
                name,
                java,
                "-Xmx64m",
                "-cp",
                Path.of("target/test-classes").toAbsolutePath().toString(),
                FakeService.class.getName(),
                marker));
    fields.addAll(List.of(extra));
    return String.join("\t", fields);
  }

  private static List<InetAddress> nonLoopbackAddresses() throws IOException {
    List<InetAddress> addresses = new ArrayList<>();
    for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      if (nic.isUp() && !nic.isLoopback()) {
        addresses.addAll(Collections.list(nic.getInetAddresses()));
      }
    }
    return addresses.stream().filter(a -> a instanceof Inet4Address).toList();
  }

  private Path servicesFile(String... lines) throws IOException {
    return Files.write(root.resolve("services.tsv"), List.of(lines));
  }

  private List<ProcessHandle> markedProcesses() {
    return ProcessHandle.allProcesses()
        .filter(p -> p.info().commandLine().map(c -> c.contains(marker)).orElse(false))
        .toList();
  }

  private void awaitFile(Path file) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!Files.exists(file)) {
      if (!launcher.isAlive()) {
        throw new AssertionError(
            "launcher exited with " + launcher.exitValue() + ":\n" + launcherOutput());
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no " + file + " after " + WAIT + ":\n" + launcherOutput());
      }
      Thread.sleep(100);
    }
  }

  private String launcherOutput() throws IOException {
    return Files.readString(root.resolve("launcher-output.txt"));
  }

  private static List<String> all(String text, String regex) {
    List<String> found = new ArrayList<>();
    Matcher m = Pattern.compile(regex).matcher(text);
    while (m.find()) {
      found.add(m.group(1));
    }
    return found;
  }

  private static HttpResponse<String> get(String url) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
