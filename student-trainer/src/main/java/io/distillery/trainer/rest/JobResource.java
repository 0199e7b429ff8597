package io.distillery.trainer.rest;

import io.distillery.servicekit.ProblemException;
import io.distillery.trainer.InvalidJobSpecException;
import io.distillery.trainer.JobSpec;
import io.distillery.trainer.JobSpecParser;
import io.distillery.trainer.JobStatus;
import io.distillery.trainer.service.JobManager;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.List;
import java.util.UUID;

/**
 * Training jobs: {@code POST /api/v1/jobs} with a JSON or YAML spec ({@code Content-Type:
 * application/yaml}), {@code POST /api/v1/jobs/resolve} (the spec with the trainer's defaults
 * filled in, not submitted), {@code GET /api/v1/jobs} (queued, running and finished), {@code GET
 * /api/v1/jobs/{id}}, {@code DELETE /api/v1/jobs/{id}} (cancel). Invalid specs get 400 with every
 * reason.
 */
@Path("/api/v1/jobs")
@Produces(MediaType.APPLICATION_JSON)
public class JobResource {

  @Inject JobManager manager;

  @POST
  @Consumes({MediaType.APPLICATION_JSON, "application/yaml", "application/x-yaml", "text/yaml"})
  public Response submit(String body, @HeaderParam("Content-Type") String contentType) {
    JobSpec spec = parse(body, contentType);
    JobStatus status = manager.submit(spec);
    return Response.accepted(status).location(URI.create("/api/v1/jobs/" + status.jobId())).build();
  }

  /**
   * The spec as the trainer would run it, every default filled in, without submitting it: what a
   * client hashes to tell whether a stored model was trained by the same recipe (the trainer's
   * defaults change between releases; a spec that leaves them out would otherwise hash the same).
   * 400 with every reason when invalid, as {@code POST /api/v1/jobs}.
   */
  @POST
  @Path("/resolve")
  @Consumes({MediaType.APPLICATION_JSON, "application/yaml", "application/x-yaml", "text/yaml"})
  public Response resolve(String body, @HeaderParam("Content-Type") String contentType) {
    JobSpec spec = parse(body, contentType);
    return Response.ok(JobSpecParser.toJson(spec), MediaType.APPLICATION_JSON).build();
  }

  /**
   * The spec of a request body, YAML when the content type says so; an invalid one throws {@link
   * InvalidJobSpecException}, which {@link TrainerProblems} answers with 400 and every reason.
   */
  private static JobSpec parse(String body, String contentType) {
    boolean yaml = contentType != null && contentType.contains("yaml");
    return JobSpecParser.parse(body, yaml, "job-" + UUID.randomUUID());
  }

  @GET
  public List<JobStatus> list() {
    return manager.list();
  }

  @GET
  @Path("/{id}")
  public JobStatus get(@PathParam("id") String id) {
    return manager.get(id).orElseThrow(() -> notFound(id));
  }

  @DELETE
  @Path("/{id}")
  public JobStatus cancel(@PathParam("id") String id) {
    return manager.cancel(id).orElseThrow(() -> notFound(id));
  }

  private static ProblemException notFound(String id) {
    return new ProblemException(404, "Job not found", "no job with id " + id);
  }
}
