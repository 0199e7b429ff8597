package io.distillery.inference;

/** No model (or no such version) is loaded under the requested name. */
public class ModelNotFoundException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public ModelNotFoundException(String message) {
    super(message);
  }

  public ModelNotFoundException(String message, Throwable cause) {
    super(message, cause);
  }
}
