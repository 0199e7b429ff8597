package io.distillery.trainer.rest;

import io.distillery.trainer.InvalidJobSpecException;
import io.distillery.trainer.JobQueueFullException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jboss.logging.Logger;

/** The one place where exceptions become {@code application/problem+json} responses. */
@Provider
public class ProblemExceptionMapper implements ExceptionMapper<Throwable> {

  public static final String PROBLEM_JSON = "application/problem+json";
  private static final Logger LOG = Logger.getLogger(ProblemExceptionMapper.class);

  @Context UriInfo uriInfo;

  @Override
  public Response toResponse(Throwable error) {
    int status;
    String title;
    String detail;
    Integer retryAfter = null;
    if (error instanceof ProblemException problem) {
      status = problem.status();
      title = problem.title();
      detail = problem.getMessage();
    } else if (error instanceof InvalidJobSpecException invalid) {
      status = 400;
      title = "Invalid job spec";
      detail = String.join("; ", invalid.reasons());
    } else if (error instanceof JobQueueFullException full) {
      status = 429;
      title = "Job queue full";
      detail = full.getMessage();
      retryAfter = full.retryAfterSeconds();
    } else if (error instanceof WebApplicationException web) {
      status = web.getResponse().getStatus();
      title =
          Response.Status.fromStatusCode(status) == null
              ? "HTTP " + status
              : Response.Status.fromStatusCode(status).getReasonPhrase();
      detail = web.getMessage();
    } else {
      status = 500;
      title = "Internal Server Error";
      detail = "unexpected error; see the service log";
      LOG.error("unhandled error", error);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("type", "about:blank");
    body.put("title", title);
    body.put("status", status);
    body.put("detail", detail);
    if (uriInfo != null) {
      body.put("instance", uriInfo.getPath());
    }
    Response.ResponseBuilder response = Response.status(status).type(PROBLEM_JSON).entity(body);
    if (retryAfter != null) {
      response.header("Retry-After", retryAfter);
    }
    return response.build();
  }
}
