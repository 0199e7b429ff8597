package io.distillery.servicekit;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * How long every service waits out an object-store outage before it gives a record up to its
 * dead-letter topic ({@code distillery.retry.*}): the one outage policy of every consumer (and of
 * the teacher-service's back-fills).
 */
@ConfigMapping(prefix = "distillery.retry")
public interface RetryConfig {

  /** Attempts before a record is dead-lettered. */
  @WithDefault("5")
  int attempts();

  /** Delay after the first failure; doubles with every further attempt. */
  @WithDefault("1s")
  Duration initialBackoff();
}
