package io.distillery.devstack;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A stand-in for a Quarkus service in launcher tests: a real HTTP server on {@code
 * QUARKUS_HTTP_PORT} answering {@code /q/health/ready} with 200 and {@code /env} with the stack's
 * environment variables.
 *
 * <p>Arguments: a unique marker (so tests can find the process), then optionally {@code
 * --spawn-child} (start a long {@code sleep} grandchild) and {@code --exit-after-ms N} (print a
 * message and exit with status 3 after N ms).
 */
public final class FakeService {
  private FakeService() {}

  public static void main(String[] args) throws Exception {
    List<String> options = List.of(args);
    int port = Integer.parseInt(System.getenv("QUARKUS_HTTP_PORT"));
    HttpServer server =
        HttpServer.create(
            new InetSocketAddress(InetAddress.getByName(System.getenv("QUARKUS_HTTP_HOST")), port),
            0);
    server.createContext("/q/health/ready", exchange -> reply(exchange, "{\"status\":\"UP\"}"));
    server.createContext(
        "/env",
        exchange -> {
          StringBuilder body = new StringBuilder();
          for (String name :
              List.of(
                  "KAFKA_BOOTSTRAP_SERVERS",
                  "DISTILLERY_S3_ENDPOINT",
                  "DISTILLERY_S3_ACCESS_KEY",
                  "DISTILLERY_S3_SECRET_KEY",
                  "DISTILLERY_S3_BUCKET",
                  "QUARKUS_HTTP_HOST")) {
            body.append(name).append('=').append(System.getenv(name)).append('\n');
          }
          reply(exchange, body.toString());
        });
    server.start();
    System.out.println("fake service " + args[0] + " listening on " + port);
    if (options.contains("--spawn-child")) {
      new ProcessBuilder("sleep", "600").inheritIO().start();
    }
    int exitAfter = options.indexOf("--exit-after-ms");
    if (exitAfter >= 0) {
      Thread.sleep(Long.parseLong(args[exitAfter + 1]));
      System.out.println("fake service " + args[0] + " failing on purpose");
      System.exit(3);
    }
    Thread.currentThread().join();
  }

  private static void reply(com.sun.net.httpserver.HttpExchange exchange, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(200, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}
