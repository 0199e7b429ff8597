package io.distillery.segml.checkpoint;

/** A checkpoint could not be written or read (I/O, malformed card, params mismatch). */
public class CheckpointException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** With a message. */
  public CheckpointException(String message) {
    super(message);
  }

  /** With a message and cause. */
  public CheckpointException(String message, Throwable cause) {
    super(message, cause);
  }
}
