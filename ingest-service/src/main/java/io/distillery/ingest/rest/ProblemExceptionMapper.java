package io.distillery.ingest.rest;

import io.distillery.ingest.ImportQueueFullException;
import io.distillery.ingest.InvalidRequestException;
import io.distillery.ingest.SourceNotAllowedException;
import io.distillery.ingest.config.IngestConfig;
import io.distillery.volumeio.VolumeException;
import jakarta.inject.Inject;
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
  @Inject IngestConfig config;

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
    } else if (error instanceof VolumeException) {
      status = 400;
      title = "Invalid volume";
      detail = error.getMessage();
    } else if (error instanceof SourceNotAllowedException) {
      status = 403;
      title = "Source not allowed";
      detail = error.getMessage();
    } else if (error instanceof ImportQueueFullException full) {
      status = 429;
      title = "Import queue full";
      detail = error.getMessage();
      retryAfter = full.retryAfterSeconds();
    } else if (error instanceof InvalidRequestException) {
      status = 400;
      title = "Invalid request";
      detail = error.getMessage();
    } else if (error instanceof WebApplicationException web
        && web.getResponse().getStatus() == 413) {
      // The multipart reader counted past the limit (a body that declared no length).
      status = 413;
      title = "Upload too large";
      detail = UploadLimitRoute.exceeded(config.ingest().maxUploadBytes());
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
    Map<String, Object> body =
        problem(status, title, detail, uriInfo == null ? null : uriInfo.getPath());
    Response.ResponseBuilder response = Response.status(status).type(PROBLEM_JSON).entity(body);
    if (retryAfter != null) {
      response.header("Retry-After", retryAfter);
    }
    return response.build();
  }

  /** The members of a problem document (RFC 9457); {@code instance} is left out when null. */
  static Map<String, Object> problem(int status, String title, String detail, String instance) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("type", "about:blank");
    body.put("title", title);
    body.put("status", status);
    body.put("detail", detail);
    if (instance != null) {
      body.put("instance", instance);
    }
    return body;
  }
}
