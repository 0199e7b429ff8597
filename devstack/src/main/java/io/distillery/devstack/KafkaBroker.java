package io.distillery.devstack;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

/**
 * A real single-node Apache Kafka broker in this JVM: KRaft mode with one node acting as broker and
 * controller, a PLAINTEXT listener and a CONTROLLER listener on 127.0.0.1 and free ports.
 *
 * <p>Internal topics (offsets, transactions, share-coordinator state) use replication factor 1 and
 * one partition, topics are created automatically on first use, and consumer groups rebalance
 * without the initial delay, so that tests run fast. The log directory is either temporary (deleted
 * on {@link #close()}) or persistent (kept and reused by the next start, as in the local mode).
 *
 * <pre>{@code
 * try (KafkaBroker broker = KafkaBroker.builder().start()) {
 *   String bootstrap = broker.bootstrapServers(); // "127.0.0.1:41234"
 * }
 * }</pre>
 */
public final class KafkaBroker implements AutoCloseable {
  private static final int START_ATTEMPTS = 3;

  private final KafkaRaftServer server;
  private final String bootstrapServers;
  private final Path logDir;
  private final boolean deleteLogDirOnClose;
  private boolean closed;

  private KafkaBroker(
      KafkaRaftServer server, String bootstrapServers, Path logDir, boolean deleteLogDirOnClose) {
    this.server = server;
    this.bootstrapServers = bootstrapServers;
    this.logDir = logDir;
    this.deleteLogDirOnClose = deleteLogDirOnClose;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** {@code host:port} of the PLAINTEXT listener, for {@code bootstrap.servers}. */
  public String bootstrapServers() {
    return bootstrapServers;
  }

  /** The directory holding the broker's logs and metadata. */
  public Path logDir() {
    return logDir;
  }

  /** Stops the broker and waits until it has shut down; deletes a temporary log directory. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    server.shutdown();
    server.awaitShutdown();
    if (deleteLogDirOnClose) {
      Directories.deleteRecursively(logDir);
    }
  }

  /** Options of a broker; {@link #start()} formats the storage if needed and starts it. */
  public static final class Builder {
    private Path logDir;
    private int numPartitions = 1;
    private final Map<String, String> overrides = new LinkedHashMap<>();

    private Builder() {}

    /** A persistent log directory, created and formatted if needed; default: a temporary one. */
    public Builder logDir(Path logDir) {
      this.logDir = logDir;
      return this;
    }

    /** Partitions of automatically created topics (default 1). */
    public Builder numPartitions(int numPartitions) {
      if (numPartitions < 1) {
        throw new IllegalArgumentException("numPartitions must be >= 1, was " + numPartitions);
      }
      this.numPartitions = numPartitions;
      return this;
    }

    /** Any other broker property; applied last, so it wins over the defaults of this class. */
    public Builder property(String key, String value) {
      overrides.put(key, value);
      return this;
    }

    public KafkaBroker start() {
      boolean temporary = logDir == null;
      Path dir = temporary ? Directories.createTemp("distillery-kafka-") : logDir;
      DevStackException last = null;
      // Ports are picked before Kafka binds them; another process may take one in between.
      for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
        try {
          return startOnce(dir, temporary);
        } catch (DevStackException e) {
          last = e;
        }
      }
      if (temporary) {
        Directories.deleteRecursively(dir);
      }
      throw last;
    }

    private KafkaBroker startOnce(Path dir, boolean temporary) {
      int brokerPort = FreePorts.next();
      int controllerPort = FreePorts.next();
      Properties props = brokerProperties(dir, brokerPort, controllerPort);
      format(dir, props);
      KafkaRaftServer server = new KafkaRaftServer(new KafkaConfig(props), Time.SYSTEM);
      try {
        server.startup();
      } catch (RuntimeException e) {
        try {
          server.shutdown();
          server.awaitShutdown();
        } catch (RuntimeException suppressed) {
          e.addSuppressed(suppressed);
        }
        throw new DevStackException(
            "Kafka broker failed to start on ports " + brokerPort + "/" + controllerPort, e);
      }
      return new KafkaBroker(server, "127.0.0.1:" + brokerPort, dir, temporary);
    }

    private Properties brokerProperties(Path dir, int brokerPort, int controllerPort) {
      Properties p = new Properties();
      p.setProperty("process.roles", "broker,controller");
      p.setProperty("node.id", "1");
      p.setProperty("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
      p.setProperty(
          "listeners",
          "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
      p.setProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
      p.setProperty("controller.listener.names", "CONTROLLER");
      p.setProperty("inter.broker.listener.name", "PLAINTEXT");
      p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
      p.setProperty("log.dirs", dir.toAbsolutePath().toString());
      p.setProperty("num.partitions", Integer.toString(numPartitions));
      p.setProperty("auto.create.topics.enable", "true");
      p.setProperty("offsets.topic.replication.factor", "1");
      p.setProperty("offsets.topic.num.partitions", "1");
      p.setProperty("transaction.state.log.replication.factor", "1");
      p.setProperty("transaction.state.log.min.isr", "1");
      p.setProperty("transaction.state.log.num.partitions", "1");
      p.setProperty("share.coordinator.state.topic.replication.factor", "1");
      p.setProperty("share.coordinator.state.topic.min.isr", "1");
      p.setProperty("group.initial.rebalance.delay.ms", "0");
      overrides.forEach(p::setProperty);
      return p;
    }

    /**
     * Formats the storage like {@code kafka-storage.sh format}, unless a previous run already did
     * (a persistent log directory keeps its cluster id).
     */
    private static void format(Path dir, Properties props) {
      if (Files.exists(dir.resolve("meta.properties"))) {
        return;
      }
      Path configFile;
      try {
        Files.createDirectories(dir);
        configFile = Files.createTempFile("distillery-kafka-", ".properties");
        try (OutputStream out = Files.newOutputStream(configFile)) {
          props.store(out, "written by io.distillery.devstack.KafkaBroker for storage formatting");
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write Kafka config for " + dir, e);
      }
      ByteArrayOutputStream output = new ByteArrayOutputStream();
      int rc;
      // StorageTool.main would call System.exit; execute() returns the status instead.
      try (PrintStream print = new PrintStream(output, true, StandardCharsets.UTF_8)) {
        rc =
            StorageTool.execute(
                new String[] {
                  "format",
                  "--config",
                  configFile.toString(),
                  "--cluster-id",
                  Uuid.randomUuid().toString()
                },
                print);
      } catch (RuntimeException e) {
        throw new DevStackException("Kafka storage format failed in " + dir + ": " + output, e);
      } finally {
        deleteQuietly(configFile);
      }
      if (rc != 0) {
        throw new DevStackException(
            "Kafka storage format failed in " + dir + " (status " + rc + "): " + output);
      }
    }

    private static void deleteQuietly(Path file) {
      try {
        Files.deleteIfExists(file);
      } catch (IOException ignored) {
        // A leftover temporary file is harmless.
      }
    }
  }
}
