package io.distillery.segml.engine;

/** An inference engine could not be started or could not run a model. */
public class EngineUnavailableException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** With a message and cause. */
  public EngineUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }

  /** With a message. */
  public EngineUnavailableException(String message) {
    super(message);
  }
}
