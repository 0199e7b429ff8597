package io.distillery.objectstore;

/**
 * The store could not be reached or kept failing transiently (connection errors, 5xx, SlowDown)
 * through every attempt of the {@link RetryPolicy}.
 */
public class ObjectStoreUnavailableException extends ObjectStoreException {
  private static final long serialVersionUID = 1L;

  private final int attempts;

  public ObjectStoreUnavailableException(String message, int attempts, Throwable cause) {
    super(message + " (gave up after " + attempts + " attempts)", cause);
    this.attempts = attempts;
  }

  /** How many attempts were made. */
  public int attempts() {
    return attempts;
  }
}
