package io.distillery.deploy;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Properties;

/** A service's {@code application.properties}: the source of truth for its name and HTTP port. */
final class ServiceProperties {

  private ServiceProperties() {}

  static Properties of(String service) {
    Properties props = new Properties();
    try (Reader in = Files.newBufferedReader(RepositoryLayout.applicationProperties(service))) {
      props.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read application.properties of " + service, e);
    }
    return props;
  }

  static int httpPort(String service) {
    String port = of(service).getProperty("quarkus.http.port");
    if (port == null) {
      throw new IllegalStateException(service + " sets no quarkus.http.port");
    }
    return Integer.parseInt(port.trim());
  }

  static String applicationName(String service) {
    return of(service).getProperty("quarkus.application.name");
  }
}
