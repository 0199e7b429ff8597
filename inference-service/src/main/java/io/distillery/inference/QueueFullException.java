package io.distillery.inference;

/** All workers are busy and the waiting queue is full; retry later. */
public class QueueFullException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public QueueFullException(String message) {
    super(message);
  }

  public QueueFullException(String message, Throwable cause) {
    super(message, cause);
  }
}
