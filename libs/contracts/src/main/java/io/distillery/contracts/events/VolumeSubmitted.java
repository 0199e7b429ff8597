package io.distillery.contracts.events;

import io.distillery.contracts.ObjectRef;
import java.time.Instant;
import java.util.Map;

/**
 * An upstream system asks for a volume to be ingested: image (and optional label) NIfTI files
 * already sit in the object store. Treated like a REST upload. Key: {@code submissionId}.
 *
 * @param submissionId the submitter's id for this request (deduplication and correlation)
 * @param datasetId dataset the volume belongs to
 * @param caseId case name within the dataset, or null
 * @param modality {@code CT} or {@code MR}
 * @param split {@code train}, {@code val}, {@code test} or {@code unlabelled}
 * @param image the image NIfTI file
 * @param label the label NIfTI file, or null for an unlabelled volume
 * @param labelNames label value (as a decimal string) to organ name, e.g. {@code "1" -> "liver"}
 * @param submittedAt when the submitter created the request
 */
public record VolumeSubmitted(
    String submissionId,
    String datasetId,
    String caseId,
    String modality,
    String split,
    ObjectRef image,
    ObjectRef label,
    Map<String, String> labelNames,
    Instant submittedAt)
    implements DistilleryEvent {

  @Override
  public String aggregateId() {
    return submissionId;
  }
}
