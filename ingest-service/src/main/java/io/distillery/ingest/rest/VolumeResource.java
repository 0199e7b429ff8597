package io.distillery.ingest.rest;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.distillery.contracts.events.VolumeIngested;
import io.distillery.ingest.IngestOutcome;
import io.distillery.ingest.IngestRequest;
import io.distillery.ingest.service.IngestService;
import io.distillery.servicekit.ProblemException;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.multipart.FileUpload;

/** Volume uploads and the catalogue of ingested volumes. */
@Path("/api/v1/volumes")
@Produces(MediaType.APPLICATION_JSON)
public class VolumeResource {

  @Inject IngestService ingest;
  @Inject ObjectMapper json;

  /** Response to an upload. */
  public record UploadResponse(String volumeId, boolean created, VolumeIngested volume) {}

  @POST
  @Consumes(MediaType.MULTIPART_FORM_DATA)
  @Operation(
      summary = "Upload a NIfTI image (and optional label map)",
      description =
          "Validates, canonicalises (RAS, dataset spacing) and stores the volume, then publishes"
              + " VolumeIngested. The same bytes give the same volume id and no second event."
              + " The whole request body may not exceed distillery.ingest.max-upload-bytes"
              + " (413 otherwise); file parts stream to disk, not into memory.")
  public Response upload(
      @RestForm("image") FileUpload image,
      @RestForm("label") FileUpload label,
      @RestForm("datasetId") String datasetId,
      @RestForm("caseId") String caseId,
      @RestForm("modality") String modality,
      @RestForm("split") String split,
      @RestForm("labelNames") String labelNames,
      @HeaderParam("traceparent") String traceparent)
      throws IOException {
    if (image == null) {
      throw new ProblemException(400, "Missing image", "the multipart field 'image' is required");
    }
    IngestRequest request =
        new IngestRequest(
            required(datasetId, "datasetId"),
            caseId == null || caseId.isBlank() ? null : caseId,
            required(modality, "modality"),
            split == null || split.isBlank() ? (label == null ? "unlabelled" : "train") : split,
            parseLabelNames(labelNames),
            image.uploadedFile(),
            label == null ? null : label.uploadedFile(),
            traceparent);
    IngestOutcome outcome = ingest.ingest(request);
    return Response.accepted(
            new UploadResponse(outcome.volume().volumeId(), outcome.created(), outcome.volume()))
        .header("Location", "/api/v1/volumes/" + outcome.volume().volumeId())
        .build();
  }

  @GET
  @Path("/{volumeId}")
  @Operation(summary = "The record of one ingested volume")
  public VolumeIngested get(@PathParam("volumeId") String volumeId) {
    return ingest
        .find(volumeId)
        .orElseThrow(
            () -> new ProblemException(404, "Unknown volume", "no ingested volume " + volumeId));
  }

  @GET
  @Operation(summary = "Ingested volumes, filtered by dataset, split and modality")
  public List<VolumeIngested> list(
      @QueryParam("datasetId") String datasetId,
      @QueryParam("split") String split,
      @QueryParam("modality") String modality) {
    return ingest.list(datasetId, split, modality);
  }

  private static String required(String value, String field) {
    if (value == null || value.isBlank()) {
      throw new ProblemException(
          400, "Missing field", "the multipart field '" + field + "' is required");
    }
    return value;
  }

  private Map<Integer, String> parseLabelNames(String text) {
    if (text == null || text.isBlank()) {
      return Map.of();
    }
    try {
      Map<String, String> raw = json.readValue(text, new TypeReference<Map<String, String>>() {});
      Map<Integer, String> names = new TreeMap<>();
      raw.forEach((k, v) -> names.put(Integer.parseInt(k.trim()), v));
      return names;
    } catch (IOException | NumberFormatException e) {
      throw new ProblemException(
          400,
          "Invalid labelNames",
          "labelNames must be a JSON object of label value to name, e.g. {\"1\": \"liver\"}");
    }
  }
}
