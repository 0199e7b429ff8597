package io.distillery.objectstore;

/**
 * An object's content does not match its recorded SHA-256 (or has none to check against), or an
 * upload's length differs from the size it was declared with.
 */
public class ObjectIntegrityException extends ObjectStoreException {
  private static final long serialVersionUID = 1L;

  public ObjectIntegrityException(String message) {
    super(message);
  }
}
