package io.distillery.devstack;

/**
 * A part of the development stack (broker, S3 server, launched service) failed to start or stop.
 */
public class DevStackException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public DevStackException(String message) {
    super(message);
  }

  public DevStackException(String message, Throwable cause) {
    super(message, cause);
  }
}
