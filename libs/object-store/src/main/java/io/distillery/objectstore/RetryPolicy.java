package io.distillery.objectstore;

import java.time.Duration;

/**
 * Exponential back-off for transient failures: attempt {@code n} (from 2) waits {@code initialDelay
 * * multiplier^(n-2)}, capped at {@code maxDelay}.
 *
 * @param maxAttempts total attempts including the first, at least 1
 */
public record RetryPolicy(
    int maxAttempts, Duration initialDelay, Duration maxDelay, double multiplier) {

  /** 5 attempts, 200 ms doubling up to 5 s: rides out a restart of a few seconds. [our choice] */
  public static final RetryPolicy DEFAULT =
      new RetryPolicy(5, Duration.ofMillis(200), Duration.ofSeconds(5), 2.0);

  /** A single attempt. */
  public static final RetryPolicy NONE = new RetryPolicy(1, Duration.ZERO, Duration.ZERO, 1.0);

  public RetryPolicy {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be >= 1, was " + maxAttempts);
    }
    if (initialDelay.isNegative() || maxDelay.isNegative() || multiplier < 1.0) {
      throw new IllegalArgumentException(
          "delays must be >= 0 and multiplier >= 1: "
              + initialDelay
              + ", "
              + maxDelay
              + ", "
              + multiplier);
    }
  }

  /** The wait before attempt {@code attempt} (2 = the first retry). */
  public Duration delayBefore(int attempt) {
    double millis = initialDelay.toMillis() * Math.pow(multiplier, Math.max(0, attempt - 2));
    return Duration.ofMillis((long) Math.min(millis, maxDelay.toMillis()));
  }
}
