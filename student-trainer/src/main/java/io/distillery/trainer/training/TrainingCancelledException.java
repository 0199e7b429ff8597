package io.distillery.trainer.training;

/** The job was cancelled between two steps. */
public class TrainingCancelledException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public TrainingCancelledException(long step) {
    super("cancelled after step " + step);
  }
}
