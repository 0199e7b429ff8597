package io.distillery.servicekit;

import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The one place where exceptions become {@code application/problem+json} responses: first the
 * service's {@link ProblemMapping}s, then {@link ProblemException}, JAX-RS errors with their own
 * status, and a 500 that names no internals for everything else (logged in full).
 */
@Provider
public class ProblemExceptionMapper implements ExceptionMapper<Throwable> {

  public static final String PROBLEM_JSON = "application/problem+json";
  private static final Logger LOG = Logger.getLogger(ProblemExceptionMapper.class);

  @Context UriInfo uriInfo;
  @Inject Instance<ProblemMapping> mappings;

  @Override
  public Response toResponse(Throwable error) {
    Problem problem = problem(error);
    Response.ResponseBuilder response =
        Response.status(problem.status())
            .type(PROBLEM_JSON)
            .entity(problem.body(uriInfo == null ? null : uriInfo.getPath()));
    if (problem.retryAfterSeconds() != null) {
      response.header("Retry-After", problem.retryAfterSeconds());
    }
    return response.build();
  }

  private Problem problem(Throwable error) {
    for (ProblemMapping mapping : mappings) {
      Optional<Problem> mapped = mapping.map(error);
      if (mapped.isPresent()) {
        return mapped.get();
      }
    }
    if (error instanceof ProblemException problem) {
      return Problem.of(problem.status(), problem.title(), problem.getMessage());
    }
    if (error instanceof WebApplicationException web) {
      int status = web.getResponse().getStatus();
      Response.Status known = Response.Status.fromStatusCode(status);
      return Problem.of(
          status, known == null ? "HTTP " + status : known.getReasonPhrase(), web.getMessage());
    }
    LOG.error("unhandled error", error);
    return Problem.of(500, "Internal Server Error", "unexpected error; see the service log");
  }
}
