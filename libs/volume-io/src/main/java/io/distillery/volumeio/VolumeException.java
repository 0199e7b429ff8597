package io.distillery.volumeio;

/**
 * Root of the typed exceptions of this library. Unchecked so that transforms can be chained freely;
 * genuine I/O failures of the file system still surface as {@link java.io.IOException}.
 */
public class VolumeException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public VolumeException(String message) {
    super(message);
  }

  public VolumeException(String message, Throwable cause) {
    super(message, cause);
  }
}
