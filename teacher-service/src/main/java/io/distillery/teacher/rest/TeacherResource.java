package io.distillery.teacher.rest;

import io.distillery.contracts.CloudEventHeaders;
import io.distillery.contracts.EventType;
import io.distillery.contracts.events.TeacherModelPublished;
import io.distillery.objectstore.ObjectStoreUnavailableException;
import io.distillery.servicekit.EventPublisher;
import io.distillery.servicekit.ProblemException;
import io.distillery.teacher.BackfillStatus;
import io.distillery.teacher.InvalidManifestException;
import io.distillery.teacher.RegisteredTeacher;
import io.distillery.teacher.TeacherManifest;
import io.distillery.teacher.service.BackfillService;
import io.distillery.teacher.service.TeacherConflictException;
import io.distillery.teacher.service.TeacherRegistry;
import io.smallrye.common.annotation.Blocking;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.multipart.FileUpload;

/** The teacher registry: upload external ONNX teachers, list them, back-fill their outputs. */
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
@Blocking
public class TeacherResource {

  @Inject TeacherRegistry registry;
  @Inject BackfillService backfill;
  @Inject EventPublisher publisher;

  /**
   * Registers an external ONNX teacher: multipart parts {@code manifest} (JSON, see README) and
   * {@code model} (the {@code .onnx} file named by {@code manifest.files.onnx}). Stores both, then
   * publishes {@code TeacherModelPublished} (format onnx), which starts the back-fill. Retrying the
   * same upload (same manifest, same bytes) answers the same and announces the teacher again under
   * the same {@code ce_id}, so an upload whose announcement failed is completed by its retry; 409
   * only when the version exists with another manifest or model.
   */
  @POST
  @Path("/teachers")
  @Consumes(MediaType.MULTIPART_FORM_DATA)
  @Operation(summary = "Register an external ONNX teacher (multipart: manifest, model)")
  public Response register(
      @RestForm("manifest") String manifestJson,
      @RestForm("model") FileUpload model,
      @jakarta.ws.rs.core.Context UriInfo uri) {
    if (manifestJson == null || model == null) {
      throw new ProblemException(
          400, "Incomplete upload", "multipart parts 'manifest' and 'model' are required");
    }
    RegisteredTeacher teacher;
    try {
      TeacherManifest manifest =
          TeacherRegistry.parseManifest(
              manifestJson.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      if (!TeacherManifest.ONNX.equals(manifest.format()) || manifest.files().size() != 1) {
        throw new InvalidManifestException(
            "an upload carries one ONNX file: format 'onnx' and files {\"onnx\": <name>}");
      }
      teacher =
          registry.register(
              manifest, Map.of(TeacherManifest.ONNX, Files.readAllBytes(model.uploadedFile())));
    } catch (InvalidManifestException e) {
      throw new ProblemException(400, "Invalid teacher", e.getMessage());
    } catch (TeacherConflictException e) {
      throw new ProblemException(409, "Teacher version exists", e.getMessage());
    } catch (ObjectStoreUnavailableException e) {
      throw new ProblemException(503, "Object store unavailable", e.getMessage());
    } catch (IOException e) {
      throw new ProblemException(400, "Unreadable upload", e.getMessage());
    }
    publisher.publish(
        published(teacher),
        null,
        CloudEventHeaders.derivedId(
            EventType.TEACHER_MODEL_PUBLISHED.eventName(),
            teacher.id(),
            teacher.version(),
            teacher.manifestRef().sha256()));
    return Response.created(
            uri.getBaseUriBuilder().path("api/v1/teachers").path(teacher.id()).build())
        .entity(teacher)
        .build();
  }

  @GET
  @Path("/teachers")
  @Operation(summary = "Latest version of every registered teacher")
  public List<RegisteredTeacher> list() {
    registry.refresh();
    return registry.latestVersions();
  }

  @GET
  @Path("/teachers/{id}")
  @Operation(summary = "Every version of one teacher, oldest first")
  public List<RegisteredTeacher> get(@PathParam("id") String id) {
    registry.refresh();
    List<RegisteredTeacher> versions = registry.versions(id);
    if (versions.isEmpty()) {
      throw new ProblemException(404, "Unknown teacher", "no teacher " + id);
    }
    return versions;
  }

  /** Runs the teacher's latest version over every ingested volume lacking its outputs. */
  @POST
  @Path("/teachers/{id}/backfill")
  @Operation(summary = "Back-fill the latest version over all ingested volumes (asynchronous)")
  public Response backfill(@PathParam("id") String id, @jakarta.ws.rs.core.Context UriInfo uri) {
    registry.refresh();
    RegisteredTeacher teacher =
        registry
            .latest(id)
            .orElseThrow(() -> new ProblemException(404, "Unknown teacher", "no teacher " + id));
    BackfillStatus status = backfill.start(teacher);
    return Response.accepted(status)
        .location(
            uri.getBaseUriBuilder().path("api/v1/backfills").path(status.backfillId()).build())
        .build();
  }

  @GET
  @Path("/backfills/{backfillId}")
  @Operation(summary = "Progress of a back-fill")
  public BackfillStatus backfillStatus(@PathParam("backfillId") String backfillId) {
    return backfill
        .find(backfillId)
        .orElseThrow(
            () -> new ProblemException(404, "Unknown back-fill", "no back-fill " + backfillId));
  }

  private static TeacherModelPublished published(RegisteredTeacher teacher) {
    TeacherManifest m = teacher.manifest();
    Map<String, String> classes = new LinkedHashMap<>();
    for (int c = 0; c < m.outputClasses().size(); c++) {
      classes.put(Integer.toString(c), m.outputClasses().get(c));
    }
    return new TeacherModelPublished(
        m.teacherId(),
        m.version(),
        m.format(),
        teacher.manifestRef(),
        teacher.files(),
        m.modality(),
        m.datasets(),
        classes,
        m.featureTap(),
        m.temperature(),
        null,
        Instant.now());
  }
}
