package io.distillery.ingest.rest;

import io.distillery.ingest.ImportQueueFullException;
import io.distillery.ingest.InvalidRequestException;
import io.distillery.ingest.SourceNotAllowedException;
import io.distillery.ingest.config.IngestConfig;
import io.distillery.servicekit.Problem;
import io.distillery.servicekit.ProblemMapping;
import io.distillery.volumeio.VolumeException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.WebApplicationException;
import java.util.Optional;

/**
 * The ingest-service's answers: an unreadable volume or request 400, an import source outside the
 * configured ones 403, a full import queue 429 with {@code Retry-After}, a body over the upload
 * limit 413 naming the limit.
 */
@ApplicationScoped
public class IngestProblems implements ProblemMapping {

  @Inject IngestConfig config;

  @Override
  public Optional<Problem> map(Throwable error) {
    if (error instanceof VolumeException) {
      return Optional.of(Problem.of(400, "Invalid volume", error.getMessage()));
    }
    if (error instanceof SourceNotAllowedException) {
      return Optional.of(Problem.of(403, "Source not allowed", error.getMessage()));
    }
    if (error instanceof ImportQueueFullException full) {
      return Optional.of(
          new Problem(429, "Import queue full", error.getMessage(), full.retryAfterSeconds()));
    }
    if (error instanceof InvalidRequestException) {
      return Optional.of(Problem.of(400, "Invalid request", error.getMessage()));
    }
    if (error instanceof WebApplicationException web && web.getResponse().getStatus() == 413) {
      // The multipart reader counted past the limit (a body that declared no length).
      return Optional.of(
          Problem.of(
              413,
              "Upload too large",
              UploadLimitRoute.exceeded(config.ingest().maxUploadBytes())));
    }
    return Optional.empty();
  }
}
