package io.distillery.servicekit;

import io.distillery.objectstore.OutageRetry;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** Supplies the service's {@link OutageRetry} from {@link RetryConfig}. */
@Singleton
public class RetryProducer {

  @Produces
  @Singleton
  OutageRetry outageRetry(RetryConfig config) {
    return new OutageRetry(config.attempts(), config.initialBackoff());
  }
}
