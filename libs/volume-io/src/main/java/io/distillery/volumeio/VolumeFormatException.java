package io.distillery.volumeio;

/**
 * A file or stream that is not a valid volume: wrong magic, truncated data, impossible dimensions,
 * an unsupported datatype, a corrupt or oversized compressed stream, or a malformed dataset
 * description. The message names the offending field and its value.
 */
public class VolumeFormatException extends VolumeException {
  private static final long serialVersionUID = 1L;

  public VolumeFormatException(String message) {
    super(message);
  }

  public VolumeFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
