package io.distillery.contracts.events;

import io.distillery.contracts.ObjectRef;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A volume was validated, canonicalised (RAS orientation, the dataset's target spacing) and stored.
 * Key: {@code volumeId}, derived from the SHA-256 of the source bytes, so the same bytes always
 * give the same id.
 *
 * @param volumeId content-derived id of the volume
 * @param datasetId dataset the volume belongs to
 * @param caseId case name within the dataset
 * @param modality {@code CT} or {@code MR}
 * @param split {@code train}, {@code val}, {@code test} or {@code unlabelled}
 * @param labelledClasses label value (decimal string) to organ name for the classes this volume's
 *     label actually annotates; empty for unlabelled volumes
 * @param shape canonical voxel counts {@code [x, y, z]}
 * @param spacing canonical voxel size in mm {@code [x, y, z]}
 * @param affine canonical voxel-to-RAS+ affine, 16 values, row-major
 * @param image canonical image (NIfTI, gzip)
 * @param label canonical label map, or null
 * @param preview PNG preview: three orthogonal slices with the label overlay
 * @param sourceSha256 SHA-256 of the submitted image bytes
 * @param ingestedAt when ingestion finished
 */
public record VolumeIngested(
    String volumeId,
    String datasetId,
    String caseId,
    String modality,
    String split,
    Map<String, String> labelledClasses,
    List<Integer> shape,
    List<Double> spacing,
    List<Double> affine,
    ObjectRef image,
    ObjectRef label,
    ObjectRef preview,
    String sourceSha256,
    Instant ingestedAt)
    implements DistilleryEvent {

  @Override
  public String aggregateId() {
    return volumeId;
  }
}
