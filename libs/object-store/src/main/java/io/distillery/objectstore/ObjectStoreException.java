package io.distillery.objectstore;

/** An object-store operation failed; the base of this library's exceptions. */
public class ObjectStoreException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ObjectStoreException(String message) {
    super(message);
  }

  public ObjectStoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
