package io.distillery.devstack;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The real infrastructure of Distillery on one machine: a Kafka broker ({@link KafkaBroker}) and an
 * S3 server ({@link S3Server}), started together in this JVM (about 3 s).
 *
 * <p>{@link #config()} gives the configuration a Quarkus service needs to use them, under the
 * property names the services read; {@link #environment()} gives the same as environment variables
 * for child processes.
 */
public final class DevStack implements AutoCloseable {
  /** Bucket the services use. */
  public static final String BUCKET = "distillery";

  public static final String KAFKA_BOOTSTRAP_SERVERS = "kafka.bootstrap.servers";
  public static final String S3_ENDPOINT = "distillery.s3.endpoint";
  public static final String S3_ACCESS_KEY = "distillery.s3.access-key";
  public static final String S3_SECRET_KEY = "distillery.s3.secret-key";
  public static final String S3_BUCKET = "distillery.s3.bucket";

  private final String bootstrapServers;
  private final URI endpoint;
  private final String accessKey;
  private final String secretKey;
  // Empty for a view of a stack owned by another class loader (see SharedDevStack).
  private final List<AutoCloseable> owned;
  private boolean closed;

  private DevStack(
      String bootstrapServers,
      URI endpoint,
      String accessKey,
      String secretKey,
      List<AutoCloseable> owned) {
    this.bootstrapServers = bootstrapServers;
    this.endpoint = endpoint;
    this.accessKey = accessKey;
    this.secretKey = secretKey;
    this.owned = owned;
  }

  /** A stack with temporary state, deleted on {@link #close()}. */
  public static DevStack start() {
    return builder().start();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A non-owning view of a running stack described by its {@link #config()}. */
  static DevStack fromConfig(Map<String, String> config) {
    return new DevStack(
        require(config, KAFKA_BOOTSTRAP_SERVERS),
        URI.create(require(config, S3_ENDPOINT)),
        require(config, S3_ACCESS_KEY),
        require(config, S3_SECRET_KEY),
        List.of());
  }

  private static String require(Map<String, String> config, String key) {
    String value = config.get(key);
    if (value == null) {
      throw new DevStackException("dev stack configuration lacks " + key + ": " + config);
    }
    return value;
  }

  public String bootstrapServers() {
    return bootstrapServers;
  }

  /** The S3 endpoint, {@code http://127.0.0.1:<port>}. */
  public URI endpoint() {
    return endpoint;
  }

  public String accessKey() {
    return accessKey;
  }

  public String secretKey() {
    return secretKey;
  }

  public String bucket() {
    return BUCKET;
  }

  /**
   * Configuration for a Quarkus service: {@code kafka.bootstrap.servers}, {@code
   * distillery.s3.endpoint}, {@code distillery.s3.access-key}, {@code distillery.s3.secret-key} and
   * {@code distillery.s3.bucket}.
   */
  public Map<String, String> config() {
    Map<String, String> c = new LinkedHashMap<>();
    c.put(KAFKA_BOOTSTRAP_SERVERS, bootstrapServers);
    c.put(S3_ENDPOINT, endpoint.toString());
    c.put(S3_ACCESS_KEY, accessKey);
    c.put(S3_SECRET_KEY, secretKey);
    c.put(S3_BUCKET, BUCKET);
    return Map.copyOf(c);
  }

  /**
   * {@link #config()} as environment variables ({@code KAFKA_BOOTSTRAP_SERVERS}, {@code
   * DISTILLERY_S3_ENDPOINT}, {@code DISTILLERY_S3_ACCESS_KEY}, {@code DISTILLERY_S3_SECRET_KEY},
   * {@code DISTILLERY_S3_BUCKET}), named as MicroProfile Config maps them back to the properties.
   */
  public Map<String, String> environment() {
    Map<String, String> env = new LinkedHashMap<>();
    config().forEach((key, value) -> env.put(environmentName(key), value));
    return Map.copyOf(env);
  }

  /** {@code distillery.s3.access-key} → {@code DISTILLERY_S3_ACCESS_KEY}. */
  static String environmentName(String property) {
    return property.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(java.util.Locale.ROOT);
  }

  /** Stops the broker and the S3 server (in that order); a view closes nothing. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    DevStackException failure = null;
    for (AutoCloseable part : owned) {
      try {
        part.close();
      } catch (Exception e) {
        if (failure == null) {
          failure = new DevStackException("dev stack did not stop cleanly", e);
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  /** Options of a stack; {@link #start()} starts the broker and the S3 server. */
  public static final class Builder {
    private Path stateDir;
    private String accessKey = S3Server.DEFAULT_ACCESS_KEY;
    private String secretKey = S3Server.DEFAULT_SECRET_KEY;

    private Builder() {}

    /**
     * Keep state across restarts: Kafka logs in {@code <stateDir>/kafka}, buckets in {@code
     * <stateDir>/s3}. Default: temporary directories.
     */
    public Builder stateDir(Path stateDir) {
      this.stateDir = stateDir;
      return this;
    }

    public Builder credentials(String accessKey, String secretKey) {
      this.accessKey = accessKey;
      this.secretKey = secretKey;
      return this;
    }

    public DevStack start() {
      S3Server.Builder s3Builder = S3Server.builder().credentials(accessKey, secretKey);
      KafkaBroker.Builder kafkaBuilder = KafkaBroker.builder();
      if (stateDir != null) {
        s3Builder.dataDir(stateDir.resolve("s3"));
        kafkaBuilder.logDir(stateDir.resolve("kafka"));
      }
      S3Server s3 = s3Builder.start();
      KafkaBroker kafka;
      try {
        kafka = kafkaBuilder.start();
      } catch (RuntimeException e) {
        try {
          s3.close();
        } catch (RuntimeException suppressed) {
          e.addSuppressed(suppressed);
        }
        throw e;
      }
      List<AutoCloseable> parts = new ArrayList<>(List.of(kafka, s3));
      return new DevStack(
          kafka.bootstrapServers(), s3.endpoint(), s3.accessKey(), s3.secretKey(), parts);
    }
  }
}
