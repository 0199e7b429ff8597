package io.distillery.inference.rest;

import io.distillery.inference.ModelNotFoundException;
import io.distillery.inference.QueueFullException;
import io.distillery.inference.config.InferenceConfig;
import io.distillery.segpipeline.ModelLoadException;
import io.distillery.segpipeline.SegmentationFailedException;
import io.distillery.segpipeline.UnknownModalityException;
import io.distillery.servicekit.Problem;
import io.distillery.servicekit.ProblemMapping;
import io.distillery.volumeio.VolumeException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Optional;

/**
 * The inference-service's answers: a full queue is 503 with {@code Retry-After}, an unknown model
 * or version 404, an unreadable NIfTI 400, an input the model cannot take (modality, channels) 422,
 * a published model that cannot be opened 502.
 */
@ApplicationScoped
public class InferenceProblems implements ProblemMapping {

  @Inject InferenceConfig config;

  @Override
  public Optional<Problem> map(Throwable error) {
    if (error instanceof QueueFullException) {
      return Optional.of(
          new Problem(
              503,
              "Service Unavailable",
              error.getMessage(),
              config.inference().retryAfterSeconds()));
    }
    if (error instanceof ModelNotFoundException) {
      return Optional.of(Problem.of(404, "Model Not Found", error.getMessage()));
    }
    if (error instanceof VolumeException) {
      return Optional.of(Problem.of(400, "Bad NIfTI Input", error.getMessage()));
    }
    if (error instanceof UnknownModalityException || error instanceof SegmentationFailedException) {
      return Optional.of(Problem.of(422, "Cannot Segment", error.getMessage()));
    }
    if (error instanceof ModelLoadException) {
      return Optional.of(Problem.of(502, "Model Not Loadable", error.getMessage()));
    }
    return Optional.empty();
  }
}
