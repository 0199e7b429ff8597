package io.distillery.trainer.rest;

import io.distillery.servicekit.Problem;
import io.distillery.servicekit.ProblemMapping;
import io.distillery.trainer.InvalidJobSpecException;
import io.distillery.trainer.JobQueueFullException;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;

/**
 * The student-trainer's answers: an invalid job spec is 400 with every reason at once, a full job
 * queue 429 with {@code Retry-After}.
 */
@ApplicationScoped
public class TrainerProblems implements ProblemMapping {

  @Override
  public Optional<Problem> map(Throwable error) {
    if (error instanceof InvalidJobSpecException invalid) {
      return Optional.of(Problem.of(400, "Invalid job spec", String.join("; ", invalid.reasons())));
    }
    if (error instanceof JobQueueFullException full) {
      return Optional.of(
          new Problem(429, "Job queue full", full.getMessage(), full.retryAfterSeconds()));
    }
    return Optional.empty();
  }
}
