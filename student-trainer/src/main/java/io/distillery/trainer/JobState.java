package io.distillery.trainer;

/** Life cycle of a job: QUEUED → RUNNING → SUCCEEDED | FAILED | CANCELLED. */
public enum JobState {
  QUEUED,
  RUNNING,
  SUCCEEDED,
  FAILED,
  CANCELLED;

  /** Whether the job will not run again. */
  public boolean isFinal() {
    return this == SUCCEEDED || this == FAILED || this == CANCELLED;
  }
}
