package io.distillery.segml.losses;

/** Thrown when a loss receives tensors of incompatible shapes or invalid configuration. */
public class LossInputException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message naming the offending tensors and their shapes. */
  public LossInputException(String message) {
    super(message);
  }
}
