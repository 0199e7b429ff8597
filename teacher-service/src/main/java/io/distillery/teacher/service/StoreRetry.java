package io.distillery.teacher.service;

import io.distillery.objectstore.ObjectStoreUnavailableException;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retries work that failed because the object store was unavailable, with exponential back-off
 * (delay doubles each attempt). This sits above the object-store client's own short retries: it
 * rides out outages of seconds to a minute while the input is held (not acknowledged).
 *
 * @param attempts total attempts, at least 1
 * @param initialDelay delay after the first failure
 */
public record StoreRetry(int attempts, Duration initialDelay) {

  private static final Logger LOG = LoggerFactory.getLogger(StoreRetry.class);

  public StoreRetry {
    if (attempts < 1 || initialDelay.isNegative()) {
      throw new IllegalArgumentException("attempts must be >= 1 and the delay >= 0");
    }
  }

  /** Work that may fail with a checked exception. */
  @FunctionalInterface
  public interface Work<T> {
    T run() throws Exception;
  }

  /**
   * Runs {@code work}, retrying {@link ObjectStoreUnavailableException}; the last one is rethrown.
   * Any other exception is rethrown at once.
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
        LOG.warn(
            "{}: object store unavailable (attempt {} of {}), retrying in {} ms: {}",
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
}
