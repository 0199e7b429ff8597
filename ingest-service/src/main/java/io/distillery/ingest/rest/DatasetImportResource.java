package io.distillery.ingest.rest;

import io.distillery.ingest.DatasetImport;
import io.distillery.ingest.service.DatasetImportService;
import io.distillery.ingest.service.DatasetImportService.ImportCommand;
import io.distillery.servicekit.ProblemException;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** Asynchronous imports of whole dataset folders (nnU-Net v2 / MSD layout). */
@Path("/api/v1/datasets")
@Produces(MediaType.APPLICATION_JSON)
public class DatasetImportResource {

  @Inject DatasetImportService imports;

  @POST
  @Path("/import")
  @Consumes(MediaType.APPLICATION_JSON)
  @Operation(
      summary = "Import a dataset folder",
      description =
          "source: a server folder under the configured import roots, or s3://bucket/prefix"
              + " under the configured S3 import sources (403 otherwise), within the object-count"
              + " and total-size caps (400 naming the limit otherwise)."
              + " datasetId defaults to the dataset.json name; split defaults to train for"
              + " labelled and unlabelled for unlabelled cases; modality to the channel name."
              + " Imports run one at a time; when distillery.ingest.max-queued-imports already"
              + " wait, 429 with Retry-After.")
  public Response start(ImportCommand command) {
    DatasetImport started = imports.start(command);
    return Response.accepted(started)
        .header("Location", "/api/v1/datasets/imports/" + started.importId())
        .build();
  }

  @GET
  @Path("/imports/{importId}")
  @Operation(summary = "Progress of one import")
  public DatasetImport get(@PathParam("importId") String importId) {
    return imports
        .find(importId)
        .orElseThrow(() -> new ProblemException(404, "Unknown import", "no import " + importId));
  }

  @GET
  @Path("/imports")
  @Operation(summary = "All imports since this instance started")
  public List<DatasetImport> list() {
    return imports.all();
  }
}
