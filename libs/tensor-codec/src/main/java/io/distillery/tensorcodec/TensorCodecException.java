package io.distillery.tensorcodec;

/**
 * Thrown when a tensor cannot be encoded (values outside the encoding's domain, bad shape) or an
 * encoded record cannot be decoded (bad magic, unsupported version, corrupt or truncated bytes,
 * limits exceeded). The message says which, with the offending value.
 */
public class TensorCodecException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /**
   * @param message what was wrong, with the offending value
   */
  public TensorCodecException(String message) {
    super(message);
  }

  /**
   * @param message what was wrong, with the offending value
   * @param cause the underlying failure (I/O, zlib)
   */
  public TensorCodecException(String message, Throwable cause) {
    super(message, cause);
  }
}
