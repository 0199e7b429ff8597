package io.distillery.segml.metrics;

/** Thrown when label maps do not match their grid or each other. */
public class MetricInputException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message naming the mismatch. */
  public MetricInputException(String message) {
    super(message);
  }
}
