package io.distillery.ingest.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.distillery.ingest.config.IngestConfig;
import io.distillery.servicekit.Problem;
import io.distillery.servicekit.ProblemExceptionMapper;
import io.quarkus.vertx.http.runtime.RouteConstants;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/**
 * Holds every request to the upload limit ({@code distillery.ingest.max-upload-bytes}) before any
 * of its body is read, and says so in {@code application/problem+json}: a declared {@code
 * Content-Length} above the limit gets 413 naming the limit, and a chunked body (no declared
 * length) gets 411, because its size could only be learnt by reading it.
 *
 * <p>Quarkus enforces the same figure ({@code quarkus.http.limits.max-body-size} is set from the
 * upload limit in {@code application.properties}), but its own checks answer an empty 413. This
 * route runs just before Quarkus's, so a client learns what the limit is; Quarkus's limit stays as
 * the backstop for a body that arrives without either header (HTTP/2).
 */
@ApplicationScoped
public class UploadLimitRoute {

  /** The configuration key of the limit, named in every refusal. */
  public static final String KEY = "distillery.ingest.max-upload-bytes";

  @Inject IngestConfig config;
  @Inject ObjectMapper json;

  void install(@Observes Router router) {
    router.route().order(RouteConstants.ROUTE_ORDER_UPLOAD_LIMIT - 1).handler(this::check);
  }

  /** The detail of a refusal: the limit in bytes and where it is configured. */
  public static String exceeded(long limit) {
    return "the request body exceeds the upload limit of " + limit + " bytes (" + KEY + ")";
  }

  private void check(RoutingContext context) {
    String declared = context.request().getHeader(HttpHeaders.CONTENT_LENGTH);
    long limit = config.ingest().maxUploadBytes();
    if (declared != null && parsesAbove(declared, limit)) {
      refuse(
          context,
          413,
          "Upload too large",
          "the request declares " + declared.trim() + " bytes; " + exceeded(limit));
    } else if (declared == null
        && context.request().getHeader(HttpHeaders.TRANSFER_ENCODING) != null) {
      refuse(
          context,
          411,
          "Length required",
          "a request body must declare its Content-Length, so that the upload limit of "
              + limit
              + " bytes ("
              + KEY
              + ") is checked before it is read; chunked bodies are not accepted");
    } else {
      context.next();
    }
  }

  private void refuse(RoutingContext context, int status, String title, String detail) {
    String body;
    try {
      body =
          json.writeValueAsString(Problem.of(status, title, detail).body(context.request().path()));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a problem document is always serialisable", e);
    }
    // The client may still be sending the body: answer, then close the connection instead of
    // reading (and discarding) the rest.
    context
        .response()
        .setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, ProblemExceptionMapper.PROBLEM_JSON)
        .putHeader(HttpHeaders.CONNECTION, "close")
        .end(body)
        .onComplete(done -> context.request().connection().close());
  }

  private static boolean parsesAbove(String declared, long limit) {
    try {
      return Long.parseLong(declared.trim()) > limit;
    } catch (NumberFormatException e) {
      return false; // a malformed length is the HTTP layer's to refuse
    }
  }
}
