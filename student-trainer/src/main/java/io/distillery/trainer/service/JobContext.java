package io.distillery.trainer.service;

import io.distillery.trainer.JobStatus;
import java.util.function.UnaryOperator;

/**
 * What a running job may do to its own record: update it (persisted, published) and poll for
 * cancellation.
 */
public interface JobContext {

  /** Applies {@code change} to the job's status; returns the new status. */
  JobStatus update(UnaryOperator<JobStatus> change, boolean publishProgress);

  /** Whether the job was cancelled. */
  boolean cancelled();
}
