package io.distillery.tools.stack;

/** A failure talking to the running stack; subclasses say which part did not answer as expected. */
public class StackException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public StackException(String message) {
    super(message);
  }

  public StackException(String message, Throwable cause) {
    super(message, cause);
  }
}
