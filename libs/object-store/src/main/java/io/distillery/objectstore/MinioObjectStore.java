package io.distillery.objectstore;

import io.minio.BucketExistsArgs;
import io.minio.GetObjectArgs;
import io.minio.GetObjectResponse;
import io.minio.GetPresignedObjectUrlArgs;
import io.minio.Http;
import io.minio.ListObjectsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.ObjectWriteResponse;
import io.minio.PutObjectArgs;
import io.minio.RemoveObjectArgs;
import io.minio.Result;
import io.minio.StatObjectArgs;
import io.minio.StatObjectResponse;
import io.minio.errors.ErrorResponseException;
import io.minio.messages.Item;
import java.io.IOException;
import java.io.InputStream;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import okhttp3.OkHttpClient;

/**
 * {@link ObjectStore} on the MinIO Java client, for any S3-compatible server (MinIO, AWS S3,
 * s3proxy).
 *
 * <pre>{@code
 * try (ObjectStore store = MinioObjectStore.create(S3Settings.of(endpoint, accessKey, secretKey))) {
 *   store.ensureBucket("distillery");
 *   StoredObject o = store.put("distillery", "volumes/v1/image.nii.gz", path, "application/gzip");
 * }
 * }</pre>
 *
 * <p>The client's own retries are switched off; {@link S3Settings#retry()} governs all retrying.
 */
public final class MinioObjectStore implements ObjectStore {
  /** User-metadata name of the content SHA-256 (sent as {@code x-amz-meta-sha256}). */
  public static final String SHA256_METADATA = "sha256";

  /** Streams up to this size are spooled in memory before upload, larger ones to a temp file. */
  static final int IN_MEMORY_SPOOL_LIMIT = 8 * 1024 * 1024;

  private static final String DEFAULT_CONTENT_TYPE = "application/octet-stream";
  private static final Set<String> BUCKET_ALREADY_THERE =
      Set.of("BucketAlreadyOwnedByYou", "BucketAlreadyExists");
  private static final Duration MAX_PRESIGN_VALIDITY = Duration.ofDays(7);

  private final MinioClient client;
  private final S3Settings settings;
  private final Retrier retrier;

  private MinioObjectStore(MinioClient client, S3Settings settings) {
    this.client = client;
    this.settings = settings;
    this.retrier = new Retrier(settings.retry());
  }

  /** A store for the given server; no request is made until the first operation. */
  public static MinioObjectStore create(S3Settings settings) {
    Objects.requireNonNull(settings, "settings");
    MinioClient client =
        MinioClient.builder()
            .endpoint(settings.endpoint().toString())
            .credentials(settings.accessKey(), settings.secretKey())
            .region(settings.region())
            // Building the client's default HTTP client per store is slow (TLS set-up); share one.
            .httpClient(SharedHttpClient.INSTANCE, false)
            .build();
    // Null values switch the client's retries off: two nested retry loops multiply attempts.
    client.setRetry(null, null, null);
    return new MinioObjectStore(client, settings);
  }

  public S3Settings settings() {
    return settings;
  }

  @Override
  public void ensureBucket(String bucket) {
    retrier.run(
        "create bucket",
        bucket,
        "",
        () -> {
          if (client.bucketExists(BucketExistsArgs.builder().bucket(bucket).build())) {
            return null;
          }
          try {
            client.makeBucket(MakeBucketArgs.builder().bucket(bucket).build());
          } catch (ErrorResponseException e) {
            // Another service or thread created it between the check and the create.
            if (!BUCKET_ALREADY_THERE.contains(e.errorResponse().code())) {
              throw e;
            }
          }
          return null;
        });
  }

  @Override
  public StoredObject put(
      String bucket, String key, InputStream content, long size, String contentType) {
    Objects.requireNonNull(content, "content");
    try (UploadSource source = UploadSource.spool(content, size, IN_MEMORY_SPOOL_LIMIT)) {
      return upload(bucket, key, source, contentType);
    }
  }

  @Override
  public StoredObject put(String bucket, String key, byte[] content, String contentType) {
    Objects.requireNonNull(content, "content");
    return upload(bucket, key, UploadSource.of(content), contentType);
  }

  @Override
  public StoredObject put(String bucket, String key, Path file, String contentType) {
    Objects.requireNonNull(file, "file");
    return upload(bucket, key, UploadSource.of(file), contentType);
  }

  private StoredObject upload(String bucket, String key, UploadSource source, String contentType) {
    String type = contentType == null ? DEFAULT_CONTENT_TYPE : contentType;
    ObjectWriteResponse response =
        retrier.run(
            "put",
            bucket,
            key,
            () -> {
              try (InputStream in = source.open()) {
                // Larger than one part: the client uploads in parts and completes atomically.
                return client.putObject(
                    PutObjectArgs.builder().bucket(bucket).object(key).stream(
                            in, source.size, settings.partSize())
                        .contentType(type)
                        .userMetadata(Map.of(SHA256_METADATA, source.sha256))
                        .build());
              }
            });
    return new StoredObject(
        bucket, key, source.size, source.sha256, type, unquote(response.etag()));
  }

  @Override
  public InputStream get(String bucket, String key) {
    return open(bucket, key);
  }

  @Override
  public InputStream get(String bucket, String key, boolean verifySha256) {
    GetObjectResponse response = open(bucket, key);
    if (!verifySha256) {
      return response;
    }
    String expected = response.headers().get("x-amz-meta-" + SHA256_METADATA);
    if (expected == null || expected.isBlank()) {
      closeQuietly(response);
      throw new ObjectIntegrityException(
          "s3://" + bucket + "/" + key + " has no recorded SHA-256 to verify against");
    }
    return new Sha256VerifyingInputStream(response, expected, "s3://" + bucket + "/" + key);
  }

  private GetObjectResponse open(String bucket, String key) {
    return retrier.run(
        "get",
        bucket,
        key,
        () -> client.getObject(GetObjectArgs.builder().bucket(bucket).object(key).build()));
  }

  @Override
  public StoredObject stat(String bucket, String key) {
    StatObjectResponse s =
        retrier.run(
            "stat",
            bucket,
            key,
            () -> client.statObject(StatObjectArgs.builder().bucket(bucket).object(key).build()));
    String sha256 = s.userMetadata().getFirst(SHA256_METADATA);
    if (sha256 == null) {
      sha256 = s.userMetadata().getFirst("x-amz-meta-" + SHA256_METADATA);
    }
    return new StoredObject(bucket, key, s.size(), sha256, s.contentType(), unquote(s.etag()));
  }

  @Override
  public boolean exists(String bucket, String key) {
    try {
      stat(bucket, key);
      return true;
    } catch (ObjectNotFoundException e) {
      return false;
    }
  }

  @Override
  public List<ObjectSummary> list(String bucket, String prefix) {
    return list(bucket, prefix, Integer.MAX_VALUE);
  }

  @Override
  public List<ObjectSummary> list(String bucket, String prefix, int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be positive, was " + limit);
    }
    String p = prefix == null ? "" : prefix;
    // The iterable fetches page after page lazily; a failure restarts the whole listing.
    return retrier.run(
        "list",
        bucket,
        p + "*",
        () -> {
          List<ObjectSummary> objects = new ArrayList<>();
          Iterable<Result<Item>> results =
              client.listObjects(
                  ListObjectsArgs.builder()
                      .bucket(bucket)
                      .prefix(p)
                      .recursive(true)
                      .maxKeys(Math.min(settings.listPageSize(), limit))
                      .build());
          for (Result<Item> result : results) {
            if (objects.size() >= limit) {
              break;
            }
            Item item = result.get();
            if (!item.isDir()) {
              objects.add(
                  new ObjectSummary(bucket, item.objectName(), item.size(), unquote(item.etag())));
            }
          }
          return objects;
        });
  }

  @Override
  public void delete(String bucket, String key) {
    retrier.run(
        "delete",
        bucket,
        key,
        () -> {
          client.removeObject(RemoveObjectArgs.builder().bucket(bucket).object(key).build());
          return null;
        });
  }

  @Override
  public URL presignedGet(String bucket, String key, Duration validity) {
    if (validity.compareTo(Duration.ofSeconds(1)) < 0
        || validity.compareTo(MAX_PRESIGN_VALIDITY) > 0) {
      throw new IllegalArgumentException("validity must be 1 s to 7 days, was " + validity);
    }
    String url =
        retrier.run(
            "presign",
            bucket,
            key,
            () ->
                client.getPresignedObjectUrl(
                    GetPresignedObjectUrlArgs.builder()
                        .method(Http.Method.GET)
                        .bucket(bucket)
                        .object(key)
                        .expiry((int) validity.toSeconds())
                        .build()));
    try {
      return URI.create(url).toURL();
    } catch (MalformedURLException | IllegalArgumentException e) {
      throw new ObjectStoreException("client produced an invalid presigned URL " + url, e);
    }
  }

  @Override
  public void close() {
    try {
      client.close();
    } catch (Exception e) {
      throw new ObjectStoreException("closing the S3 client failed", e);
    }
  }

  /** One OkHttp client (connection pool, dispatcher) for all stores, as OkHttp recommends. */
  private static final class SharedHttpClient {
    static final OkHttpClient INSTANCE =
        new OkHttpClient.Builder()
            .connectTimeout(Duration.ofSeconds(10))
            .writeTimeout(Duration.ofMinutes(5))
            .readTimeout(Duration.ofMinutes(5))
            .build();
  }

  private static String unquote(String etag) {
    if (etag != null && etag.length() >= 2 && etag.startsWith("\"") && etag.endsWith("\"")) {
      return etag.substring(1, etag.length() - 1);
    }
    return etag;
  }

  private static void closeQuietly(InputStream in) {
    try {
      in.close();
    } catch (IOException ignored) {
      // Already failing with the more useful integrity error.
    }
  }
}
