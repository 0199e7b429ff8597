package io.distillery.inference.rest;

import io.distillery.inference.ModelNotFoundException;
import io.distillery.inference.QueueFullException;
import io.distillery.inference.config.InferenceConfig;
import io.distillery.segpipeline.ModelLoadException;
import io.distillery.segpipeline.SegmentationFailedException;
import io.distillery.segpipeline.UnknownModalityException;
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

/**
 * The one place where exceptions become {@code application/problem+json} responses: a full queue is
 * 503 with {@code Retry-After}, an unknown model or version 404, an unreadable NIfTI 400, an input
 * the model cannot take (modality, channels) 422.
 */
@Provider
public class ProblemExceptionMapper implements ExceptionMapper<Throwable> {

  public static final String PROBLEM_JSON = "application/problem+json";
  private static final Logger LOG = Logger.getLogger(ProblemExceptionMapper.class);

  @Context UriInfo uriInfo;
  @Inject InferenceConfig config;

  @Override
  public Response toResponse(Throwable error) {
    int status;
    String title;
    String detail;
    Integer retryAfter = null;
    if (error instanceof QueueFullException) {
      status = 503;
      title = "Service Unavailable";
      detail = error.getMessage();
      retryAfter = config.inference().retryAfterSeconds();
    } else if (error instanceof ModelNotFoundException) {
      status = 404;
      title = "Model Not Found";
      detail = error.getMessage();
    } else if (error instanceof UnknownModalityException
        || error instanceof VolumeException
        || error instanceof SegmentationFailedException) {
      status = error instanceof VolumeException ? 400 : 422;
      title = error instanceof VolumeException ? "Bad NIfTI Input" : "Cannot Segment";
      detail = error.getMessage();
    } else if (error instanceof ModelLoadException) {
      status = 502;
      title = "Model Not Loadable";
      detail = error.getMessage();
    } else if (error instanceof ProblemException problem) {
      status = problem.status();
      title = problem.title();
      detail = problem.getMessage();
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
