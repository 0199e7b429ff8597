package io.distillery.servicekit;

import java.util.Optional;

/**
 * A service's own answers for its exceptions (e.g. 429 with {@code Retry-After} for a full queue).
 * Each service contributes one CDI bean; {@link ProblemExceptionMapper} asks every mapping before
 * its own defaults ({@link ProblemException}, JAX-RS errors, 500).
 */
public interface ProblemMapping {

  /** The problem for {@code error}, or empty when this mapping does not know it. */
  Optional<Problem> map(Throwable error);
}
