package io.distillery.ingest;

import java.time.Instant;
import java.util.List;

/**
 * Progress of one asynchronous dataset import.
 *
 * @param importId id of the import
 * @param source the folder or {@code s3://bucket/prefix} being imported
 * @param datasetId dataset id the volumes are ingested under
 * @param state {@code RUNNING}, {@code SUCCEEDED} (every case ingested) or {@code FAILED} (the
 *     source could not be read, or at least one case failed; see {@code errors})
 * @param total cases found
 * @param done cases ingested (new or already present)
 * @param failed cases that failed
 * @param volumeIds ids of the ingested volumes, in case order
 * @param errors one line per failed case: case id and reason
 * @param startedAt when the import started
 * @param finishedAt when it finished, or null while running
 */
public record DatasetImport(
    String importId,
    String source,
    String datasetId,
    String state,
    int total,
    int done,
    int failed,
    List<String> volumeIds,
    List<String> errors,
    Instant startedAt,
    Instant finishedAt) {}
