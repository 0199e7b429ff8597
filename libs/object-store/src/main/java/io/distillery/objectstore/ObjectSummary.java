package io.distillery.objectstore;

/**
 * An entry of a listing: S3 listings carry key, size and ETag, but not the user metadata; use
 * {@link ObjectStore#stat} for the SHA-256 and content type.
 */
public record ObjectSummary(String bucket, String key, long size, String etag) {}
