package io.distillery.devstack;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;

/**
 * A real S3 API server in this JVM: s3proxy with its filesystem back-end, listening on 127.0.0.1
 * and a free port, accepting AWS signature V2 and V4 requests signed with fixed keys.
 *
 * <p>Buckets are directories under {@link #dataDir()}; the directory is temporary (deleted on
 * {@link #close()}) unless one is given, as in the local mode.
 *
 * <pre>{@code
 * try (S3Server s3 = S3Server.builder().start()) {
 *   URI endpoint = s3.endpoint(); // http://127.0.0.1:38211
 * }
 * }</pre>
 */
public final class S3Server implements AutoCloseable {
  /** Access key used unless another is configured. */
  public static final String DEFAULT_ACCESS_KEY = "distillery-access";

  /** Secret key used unless another is configured. */
  public static final String DEFAULT_SECRET_KEY = "distillery-secret-key";

  private final S3Proxy proxy;
  private final BlobStore blobStore;
  private final URI endpoint;
  private final String accessKey;
  private final String secretKey;
  private final Path dataDir;
  private final boolean deleteDataDirOnClose;
  private boolean closed;

  private S3Server(Builder b, S3Proxy proxy, BlobStore blobStore, Path dataDir, boolean temporary) {
    this.proxy = proxy;
    this.blobStore = blobStore;
    this.endpoint = URI.create("http://127.0.0.1:" + proxy.getPort());
    this.accessKey = b.accessKey;
    this.secretKey = b.secretKey;
    this.dataDir = dataDir;
    this.deleteDataDirOnClose = temporary;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** {@code http://127.0.0.1:<port>}, the S3 endpoint. */
  public URI endpoint() {
    return endpoint;
  }

  public String accessKey() {
    return accessKey;
  }

  public String secretKey() {
    return secretKey;
  }

  /** The directory that holds the buckets. */
  public Path dataDir() {
    return dataDir;
  }

  /** Stops the server; deletes a temporary data directory. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      proxy.stop();
    } catch (Exception e) {
      throw new DevStackException("S3 server on " + endpoint + " failed to stop", e);
    } finally {
      blobStore.close();
      if (deleteDataDirOnClose) {
        Directories.deleteRecursively(dataDir);
      }
    }
  }

  /** Options of a server; {@link #start()} starts it. */
  public static final class Builder {
    private Path dataDir;
    private int port;
    private String accessKey = DEFAULT_ACCESS_KEY;
    private String secretKey = DEFAULT_SECRET_KEY;

    private Builder() {}

    /** A persistent data directory; default: a temporary one. */
    public Builder dataDir(Path dataDir) {
      this.dataDir = dataDir;
      return this;
    }

    /** A fixed port, e.g. to restart a server where clients expect it; default 0 (a free port). */
    public Builder port(int port) {
      this.port = port;
      return this;
    }

    public Builder credentials(String accessKey, String secretKey) {
      if (accessKey == null || accessKey.isBlank() || secretKey == null || secretKey.isBlank()) {
        throw new IllegalArgumentException("S3 access key and secret key must not be blank");
      }
      this.accessKey = accessKey;
      this.secretKey = secretKey;
      return this;
    }

    public S3Server start() {
      boolean temporary = dataDir == null;
      Path dir = temporary ? Directories.createTemp("distillery-s3-") : dataDir;
      try {
        Files.createDirectories(dir);
      } catch (IOException e) {
        throw new DevStackException("cannot create S3 data directory " + dir, e);
      }
      Properties props = new Properties();
      props.setProperty("jclouds.filesystem.basedir", dir.toAbsolutePath().toString());
      BlobStore blobStore = BlobStores.create("filesystem", props);
      S3Proxy proxy =
          S3Proxy.builder()
              .blobStore(blobStore)
              .endpoint(URI.create("http://127.0.0.1:" + port))
              .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, accessKey, secretKey)
              .build();
      try {
        proxy.start();
        // start() returns before Jetty is listening.
        while (!"STARTED".equals(proxy.getState())) {
          if ("FAILED".equals(proxy.getState())) {
            throw new DevStackException("S3 server failed to start on port " + port);
          }
          Thread.sleep(5);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        stopQuietly(proxy, blobStore);
        throw new DevStackException("interrupted while starting the S3 server", e);
      } catch (Exception e) {
        stopQuietly(proxy, blobStore);
        if (temporary) {
          Directories.deleteRecursively(dir);
        }
        throw e instanceof DevStackException d
            ? d
            : new DevStackException("S3 server failed to start on port " + port, e);
      }
      return new S3Server(this, proxy, blobStore, dir, temporary);
    }

    private static void stopQuietly(S3Proxy proxy, BlobStore blobStore) {
      try {
        proxy.stop();
      } catch (Exception ignored) {
        // Already failing; the start error is the one worth reporting.
      }
      blobStore.close();
    }
  }
}
