package io.distillery.objectstore;

import java.net.URI;
import java.util.Objects;

/**
 * Connection settings of {@link MinioObjectStore}.
 *
 * @param endpoint e.g. {@code http://127.0.0.1:9000}
 * @param region signing region; a fixed one saves the client a bucket-location request
 * @param partSize multipart part size in bytes, 5 MiB to 5 GiB; objects larger than one part are
 *     uploaded in parts
 * @param listPageSize keys per listing request (S3 allows at most 1000)
 */
public record S3Settings(
    URI endpoint,
    String accessKey,
    String secretKey,
    String region,
    RetryPolicy retry,
    long partSize,
    int listPageSize) {

  public static final long MIN_PART_SIZE = 5L * 1024 * 1024;
  public static final long MAX_PART_SIZE = 5L * 1024 * 1024 * 1024;

  /** 16 MiB parts: few requests per model file, modest memory. [our choice] */
  public static final long DEFAULT_PART_SIZE = 16L * 1024 * 1024;

  public static final String DEFAULT_REGION = "us-east-1";

  public S3Settings {
    Objects.requireNonNull(endpoint, "endpoint");
    Objects.requireNonNull(region, "region");
    Objects.requireNonNull(retry, "retry");
    if (accessKey == null || accessKey.isBlank() || secretKey == null || secretKey.isBlank()) {
      throw new IllegalArgumentException("S3 access key and secret key must not be blank");
    }
    if (partSize < MIN_PART_SIZE || partSize > MAX_PART_SIZE) {
      throw new IllegalArgumentException(
          "partSize must be between 5 MiB and 5 GiB, was " + partSize);
    }
    if (listPageSize < 1 || listPageSize > 1000) {
      throw new IllegalArgumentException("listPageSize must be 1..1000, was " + listPageSize);
    }
  }

  /** Defaults: region us-east-1, {@link RetryPolicy#DEFAULT}, 16 MiB parts, 1000 keys a page. */
  public static S3Settings of(URI endpoint, String accessKey, String secretKey) {
    return new S3Settings(
        endpoint,
        accessKey,
        secretKey,
        DEFAULT_REGION,
        RetryPolicy.DEFAULT,
        DEFAULT_PART_SIZE,
        1000);
  }

  public S3Settings withRegion(String newRegion) {
    return new S3Settings(endpoint, accessKey, secretKey, newRegion, retry, partSize, listPageSize);
  }

  public S3Settings withRetry(RetryPolicy newRetry) {
    return new S3Settings(endpoint, accessKey, secretKey, region, newRetry, partSize, listPageSize);
  }

  public S3Settings withPartSize(long newPartSize) {
    return new S3Settings(endpoint, accessKey, secretKey, region, retry, newPartSize, listPageSize);
  }

  public S3Settings withListPageSize(int newListPageSize) {
    return new S3Settings(endpoint, accessKey, secretKey, region, retry, partSize, newListPageSize);
  }

  /** Never prints the secret key. */
  @Override
  public String toString() {
    return "S3Settings[endpoint="
        + endpoint
        + ", accessKey="
        + accessKey
        + ", region="
        + region
        + ", retry="
        + retry
        + ", partSize="
        + partSize
        + ", listPageSize="
        + listPageSize
        + "]";
  }
}
