package io.distillery.ingest.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Configuration of the ingest-service, under the {@code distillery} prefix. Every property can be
 * overridden by environment, e.g. {@code DISTILLERY_S3_ENDPOINT}.
 */
@ConfigMapping(prefix = "distillery")
public interface IngestConfig {

  /** Ingestion policy. */
  Ingest ingest();

  /** How volumes are validated and canonicalised. */
  interface Ingest {
    /**
     * The upload limit in bytes: the largest request body {@code POST /api/v1/volumes} accepts
     * (image, label and form fields together, as sent, compressed or not), and the largest single
     * object an {@code s3://} import copies. A larger body gets 413 problem+json naming this key;
     * Quarkus's HTTP body limit ({@code quarkus.http.limits.max-body-size}) is set from it in
     * {@code application.properties}, so there is one figure to configure.
     */
    @WithDefault("1073741824")
    long maxUploadBytes();

    /** Largest decompressed voxel payload a NIfTI file may declare (decompression-bomb guard). */
    @WithDefault("2147483648")
    long maxDecompressedBytes();

    /** Server-side folders under which {@code POST /api/v1/datasets/import} may read. */
    @WithName("import-roots")
    Optional<List<String>> importRoots();

    /**
     * S3 locations {@code POST /api/v1/datasets/import} may read: each {@code bucket} (the whole
     * bucket) or {@code bucket/prefix/}, with or without {@code s3://}. A source outside them gets
     * 403 problem+json; none (the default) turns {@code s3://} imports off.
     */
    @WithName("s3-import-sources")
    Optional<List<String>> s3ImportSources();

    /**
     * Most objects one {@code s3://} import may copy; more gets 400 problem+json naming this key.
     */
    @WithName("s3-import-max-objects")
    @WithDefault("10000")
    int s3ImportMaxObjects();

    /**
     * Most bytes one {@code s3://} import may copy, all objects together (they are staged on the
     * service's disk); more gets 400 problem+json naming this key. Default 32 GiB.
     */
    @WithName("s3-import-max-bytes")
    @WithDefault("34359738368")
    long s3ImportMaxBytes();

    /**
     * Imports that may wait while one runs (imports run one at a time); one more gets 429
     * problem+json with {@code Retry-After}.
     */
    @WithDefault("8")
    int maxQueuedImports();

    /** Seconds sent in {@code Retry-After} when the import queue is full. */
    @WithDefault("60")
    int importRetryAfterSeconds();

    /**
     * Per-dataset policy, e.g. {@code distillery.ingest.datasets."btcv-liver".spacing=3,3,3}. A
     * dataset without an entry keeps each volume's own spacing.
     */
    Map<String, DatasetPolicy> datasets();

    /** Canonical grid of one dataset. */
    interface DatasetPolicy {
      /** Target voxel spacing in mm (x, y, z) after reorientation to RAS. */
      Optional<List<Double>> spacing();
    }
  }
}
