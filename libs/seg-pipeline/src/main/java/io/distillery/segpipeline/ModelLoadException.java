package io.distillery.segpipeline;

/** A published model could not be downloaded or loaded. */
public class ModelLoadException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public ModelLoadException(String message) {
    super(message);
  }

  public ModelLoadException(String message, Throwable cause) {
    super(message, cause);
  }
}
