package io.distillery.ingest;

import java.nio.file.Path;
import java.util.Map;

/**
 * One volume to ingest, from any entry point (REST upload, dataset import, VolumeSubmitted).
 *
 * @param datasetId dataset the volume belongs to
 * @param caseId case name, or null to derive one from the volume id
 * @param modality {@code CT} or {@code MR}
 * @param split {@code train}, {@code val}, {@code test} or {@code unlabelled}
 * @param labelNames label value to organ name for the label map; empty without a label
 * @param image NIfTI image file on local disk
 * @param label NIfTI label file on local disk, or null
 * @param traceparent W3C trace context of the input, or null
 */
public record IngestRequest(
    String datasetId,
    String caseId,
    String modality,
    String split,
    Map<Integer, String> labelNames,
    Path image,
    Path label,
    String traceparent) {}
