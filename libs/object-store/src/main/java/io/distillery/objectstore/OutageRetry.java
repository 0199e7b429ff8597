package io.distillery.objectstore;

import java.lang.System.Logger.Level;
import java.time.Duration;

/**
 * Retries work that failed with {@link ObjectStoreUnavailableException}, with exponential back-off
 * (the delay doubles after each attempt). It sits above the client's own short retries ({@link
 * RetryPolicy}): a consumer holds its input record (unacknowledged) and rides out an outage of
 * seconds to a minute before dead-lettering it with {@link #exhaustedReason}. Plain Java, no CDI:
 * each service builds one from its configuration.
 *
 * @param attempts total attempts, at least 1
 * @param initialDelay delay after the first failure
 */
public record OutageRetry(int attempts, Duration initialDelay) {

  private static final System.Logger LOG = System.getLogger(OutageRetry.class.getName());

  /** Validates the arguments. */
  public OutageRetry {
    if (attempts < 1 || initialDelay == null || initialDelay.isNegative()) {
      throw new IllegalArgumentException("attempts must be >= 1 and the delay >= 0");
    }
  }

  /** Work that may fail with a checked exception. */
  @FunctionalInterface
  public interface Work<T> {
    /** Does the work once. */
    T run() throws Exception;
  }

  /** Work without a result. */
  @FunctionalInterface
  public interface VoidWork {
    /** Does the work once. */
    void run() throws Exception;
  }

  /**
   * Runs {@code work}, retrying {@link ObjectStoreUnavailableException}; after the last attempt
   * that exception is rethrown. Any other exception is rethrown at once.
   *
   * @param what names the work in log lines
   */
  public <T> T call(String what, Work<T> work) throws Exception {
    long delay = initialDelay.toMillis();
    for (int attempt = 1; ; attempt++) {
      try {
        return work.run();
      } catch (ObjectStoreUnavailableException e) {
        if (attempt >= attempts) {
          throw e;
        }
        LOG.log(
            Level.WARNING,
            "{0}: object store unavailable (attempt {1} of {2}), retrying in {3} ms: {4}",
            what,
            attempt,
            attempts,
            delay,
            e.getMessage());
        Thread.sleep(delay);
        delay *= 2;
      }
    }
  }

  /** {@link #call} for work without a result. */
  public void run(String what, VoidWork work) throws Exception {
    call(
        what,
        () -> {
          work.run();
          return null;
        });
  }

  /** The dead-letter reason once every attempt found the object store unavailable. */
  public String exhaustedReason(ObjectStoreUnavailableException e) {
    return "object store unavailable after " + attempts + " attempts: " + e.getMessage();
  }
}
