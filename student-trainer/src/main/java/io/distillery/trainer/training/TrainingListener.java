package io.distillery.trainer.training;

import java.util.Map;

/** Receives a running job's progress and checkpoints, and says when to stop. */
public interface TrainingListener {

  /**
   * Progress since the previous call.
   *
   * @param step steps completed
   * @param epoch current epoch
   * @param meanLosses loss terms averaged over the steps since the last call
   * @param meanStepSeconds mean step wall time since the last call
   * @param dataWaitFraction fraction of that time spent waiting for patches
   */
  void progress(
      long step,
      int epoch,
      Map<String, Double> meanLosses,
      double meanStepSeconds,
      double dataWaitFraction);

  /**
   * A wall-time budget was turned into {@code totalSteps} from the measured {@code stepSeconds}
   * (called once, after the calibration steps of a timed job).
   */
  default void planned(long totalSteps, double stepSeconds) {}

  /** A checkpoint to persist (called every {@code checkpointEvery} steps). */
  void checkpoint(TrainingSnapshot snapshot);

  /** Checked between steps; true stops the job with {@link TrainingCancelledException}. */
  boolean cancelled();
}
