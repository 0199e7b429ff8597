package io.distillery.tools.stack;

/**
 * An awaited event did not arrive in time, or a failure event for the same work arrived instead (a
 * failed job, a dead letter). The message names what was awaited and what was seen.
 */
public final class EventTimeoutException extends StackException {
  private static final long serialVersionUID = 1L;

  public EventTimeoutException(String message) {
    super(message);
  }
}
