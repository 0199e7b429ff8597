package io.distillery.ingest;

import io.distillery.contracts.events.VolumeIngested;

/**
 * Result of an ingestion.
 *
 * @param volume the ingested volume's record
 * @param created false when the same bytes had been ingested before (no second event)
 */
public record IngestOutcome(VolumeIngested volume, boolean created) {}
