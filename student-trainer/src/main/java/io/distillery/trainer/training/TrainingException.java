package io.distillery.trainer.training;

/** A job cannot train: missing data, inconsistent inputs or a broken checkpoint. */
public class TrainingException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public TrainingException(String message) {
    super(message);
  }

  public TrainingException(String message, Throwable cause) {
    super(message, cause);
  }
}
