package io.distillery.objectstore;

import java.io.InputStream;
import java.net.URL;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Port to an S3-compatible object store, addressed by (bucket, key) strings.
 *
 * <p>Every write records the content's SHA-256 in the object's user metadata ({@code
 * x-amz-meta-sha256}) and is atomic: readers see the whole new object or none of it. Transient
 * failures are retried with back-off; when retries run out the call throws {@link
 * ObjectStoreUnavailableException}. Implementations are thread-safe.
 */
public interface ObjectStore extends AutoCloseable {

  /**
   * Creates the bucket unless it exists. Safe to race: when several callers create the same bucket
   * at once, all succeed.
   */
  void ensureBucket(String bucket);

  /**
   * Uploads a stream. The stream is read to its end first (to memory when small, else to a
   * temporary file) because the SHA-256 goes into the metadata, which S3 takes before the body.
   *
   * @param size the stream's length, or -1 when unknown; a known length that differs from what the
   *     stream yields fails with {@link ObjectIntegrityException} and stores nothing
   */
  StoredObject put(String bucket, String key, InputStream content, long size, String contentType);

  StoredObject put(String bucket, String key, byte[] content, String contentType);

  StoredObject put(String bucket, String key, Path file, String contentType);

  /**
   * Opens an object for reading; the caller closes the stream.
   *
   * @throws ObjectNotFoundException if the bucket or key does not exist
   */
  InputStream get(String bucket, String key);

  /**
   * Opens an object for reading; with {@code verifySha256} the stream throws {@link
   * ObjectIntegrityException} at end of stream when the content's digest differs from the recorded
   * one, and opening fails with it when no digest is recorded.
   */
  InputStream get(String bucket, String key, boolean verifySha256);

  /** The object's size, SHA-256, content type and ETag, without reading its content. */
  StoredObject stat(String bucket, String key);

  boolean exists(String bucket, String key);

  /** All objects whose key starts with {@code prefix} (recursively, across all pages). */
  List<ObjectSummary> list(String bucket, String prefix);

  /**
   * The first {@code limit} objects (in key order) whose key starts with {@code prefix}; the
   * listing stops there, so that a caller checking a cap ({@code limit = cap + 1}) does not list a
   * whole bucket first.
   */
  List<ObjectSummary> list(String bucket, String prefix, int limit);

  /** Deletes the object; deleting a missing key is not an error (S3 semantics). */
  void delete(String bucket, String key);

  /** A URL anyone can GET the object from until {@code validity} has passed (at most 7 days). */
  URL presignedGet(String bucket, String key, Duration validity);

  @Override
  void close();
}
