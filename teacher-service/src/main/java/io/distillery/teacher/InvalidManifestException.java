package io.distillery.teacher;

/** A teacher manifest (or the model it describes) is missing, malformed or inconsistent. */
public class InvalidManifestException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public InvalidManifestException(String message) {
    super(message);
  }

  public InvalidManifestException(String message, Throwable cause) {
    super(message, cause);
  }
}
