package io.distillery.segml.export;

/** A network could not be written as ONNX (unsupported block, inconsistent data, I/O failure). */
public class OnnxExportException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** With a message. */
  public OnnxExportException(String message) {
    super(message);
  }

  /** With a message and cause. */
  public OnnxExportException(String message, Throwable cause) {
    super(message, cause);
  }
}
