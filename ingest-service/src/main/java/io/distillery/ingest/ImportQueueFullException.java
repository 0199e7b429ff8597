package io.distillery.ingest;

/**
 * The import queue is full: the request is refused (429) and may be retried after {@link
 * #retryAfterSeconds()}; the message names the limit.
 */
public class ImportQueueFullException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final int retryAfterSeconds;

  public ImportQueueFullException(String message, int retryAfterSeconds) {
    super(message);
    this.retryAfterSeconds = retryAfterSeconds;
  }

  public int retryAfterSeconds() {
    return retryAfterSeconds;
  }
}
