package io.distillery.contracts;

import java.util.Objects;

/**
 * A claim-check reference to an object in the object store. Events carry these instead of voxels,
 * weights or credentials.
 *
 * @param bucket bucket name
 * @param key object key (see {@link ObjectKeys})
 * @param sha256 lower-case hex SHA-256 of the object's bytes
 * @param size size in bytes
 * @param contentType MIME type of the object
 */
public record ObjectRef(String bucket, String key, String sha256, long size, String contentType) {

  public ObjectRef {
    Objects.requireNonNull(bucket, "bucket");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(sha256, "sha256");
    Objects.requireNonNull(contentType, "contentType");
    if (size < 0) {
      throw new IllegalArgumentException("size must be >= 0, was " + size);
    }
  }
}
