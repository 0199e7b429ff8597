package io.distillery.teacher;

import java.time.Instant;
import java.util.List;

/**
 * What the teacher-service knows of one ingested volume: the canonical image it read back from the
 * object store (size and digest verified) and when.
 *
 * @param volumeId the volume
 * @param datasetId its dataset
 * @param modality {@code CT} or {@code MR}
 * @param shape voxel counts read from the stored image's header
 * @param imageSha256 verified SHA-256 of the stored image
 * @param receivedAt when the VolumeIngested event was processed
 */
public record VolumeStatus(
    String volumeId,
    String datasetId,
    String modality,
    List<Integer> shape,
    String imageSha256,
    Instant receivedAt) {}
