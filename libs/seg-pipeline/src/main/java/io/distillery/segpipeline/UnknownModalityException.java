package io.distillery.segpipeline;

/** The model has no norm set (modality) of the requested name. */
public class UnknownModalityException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public UnknownModalityException(String message) {
    super(message);
  }

  public UnknownModalityException(String message, Throwable cause) {
    super(message, cause);
  }
}
