package io.distillery.tools.stack;

import com.fasterxml.jackson.databind.JsonNode;
import io.distillery.contracts.EventCodec;
import io.distillery.contracts.events.VolumeIngested;
import java.time.Duration;
import java.util.AbstractMap;
import java.util.LinkedHashMap;
import java.util.Map;

/** The ingest-service's REST API ({@code /api/v1/volumes}); see ingest-service/README.md. */
public final class IngestClient {

  /**
   * What one upload returns.
   *
   * @param volume the ingested volume's record (the {@code VolumeIngested} event's payload)
   * @param created false when the same bytes were ingested before (no new event)
   */
  public record Upload(VolumeIngested volume, boolean created) {}

  private final RestClient rest;
  private final EventCodec codec;

  IngestClient(RestClient rest, EventCodec codec) {
    this.rest = rest;
    this.codec = codec;
  }

  /**
   * Uploads a NIfTI image (and label map) as one volume of a dataset.
   *
   * @param datasetId dataset id, e.g. {@code btcv-liver}
   * @param caseId case name
   * @param modality {@code CT} or {@code MR}
   * @param split {@code train}, {@code val}, {@code test} or {@code unlabelled}
   * @param image the image file's bytes ({@code .nii.gz})
   * @param label the label file's bytes, or null
   * @param labelNames label value to organ name (required with a label)
   * @throws ServiceCallException with the service's reason when the upload is refused
   */
  public Upload upload(
      String datasetId,
      String caseId,
      String modality,
      String split,
      byte[] image,
      byte[] label,
      Map<Integer, String> labelNames) {
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("datasetId", datasetId);
    fields.put("caseId", caseId);
    fields.put("modality", modality);
    fields.put("split", split);
    Map<String, Map.Entry<String, byte[]>> files = new LinkedHashMap<>();
    files.put("image", new AbstractMap.SimpleEntry<>(caseId + "_0000.nii.gz", image));
    if (label != null) {
      files.put("label", new AbstractMap.SimpleEntry<>(caseId + ".nii.gz", label));
      Map<String, String> names = new LinkedHashMap<>();
      labelNames.forEach((value, name) -> names.put(Integer.toString(value), name));
      try {
        fields.put("labelNames", RestClient.JSON.writeValueAsString(names));
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw new IllegalStateException("a map of strings always serialises", e);
      }
    }
    JsonNode answer =
        rest.postMultipart("/api/v1/volumes", fields, files, Duration.ofMinutes(5)).json();
    try {
      VolumeIngested volume =
          codec.fromJson(
              RestClient.JSON.writeValueAsBytes(answer.get("volume")), VolumeIngested.class);
      return new Upload(volume, answer.path("created").asBoolean(true));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new StackException("ingest-service answered an unreadable volume: " + answer, e);
    }
  }

  /** The records of a dataset's volumes (all volumes when {@code datasetId} is null). */
  public JsonNode list(String datasetId) {
    return rest.getJson(
        "/api/v1/volumes" + (datasetId == null ? "" : "?datasetId=" + datasetId),
        Duration.ofSeconds(60));
  }
}
