package io.distillery.trainer;

/**
 * The job queue is full: a new job is refused (429 over REST; a Kafka request waits on its topic)
 * and may be submitted again after {@link #retryAfterSeconds()}; the message names the limit.
 */
public class JobQueueFullException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final int retryAfterSeconds;

  public JobQueueFullException(String message, int retryAfterSeconds) {
    super(message);
    this.retryAfterSeconds = retryAfterSeconds;
  }

  public int retryAfterSeconds() {
    return retryAfterSeconds;
  }
}
