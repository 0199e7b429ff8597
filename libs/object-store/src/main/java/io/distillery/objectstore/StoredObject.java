package io.distillery.objectstore;

import java.util.Objects;

/**
 * An object as stored: where it is, how long it is, its SHA-256 (lower-case hex, kept in the
 * object's user metadata {@code x-amz-meta-sha256}; {@code null} for objects written by other
 * tools) and its content type and ETag (without quotes).
 */
public record StoredObject(
    String bucket, String key, long size, String sha256, String contentType, String etag) {
  public StoredObject {
    Objects.requireNonNull(bucket, "bucket");
    Objects.requireNonNull(key, "key");
  }
}
