package io.distillery.tools.stack;

/**
 * A REST call to a service failed: it could not be made, or the service answered with an error
 * status. The message names the service, the call, the status and the service's problem detail.
 */
public final class ServiceCallException extends StackException {
  private static final long serialVersionUID = 1L;

  private final int status;

  public ServiceCallException(String message, int status, Throwable cause) {
    super(message, cause);
    this.status = status;
  }

  /** The HTTP status, or -1 when no answer came. */
  public int status() {
    return status;
  }
}
