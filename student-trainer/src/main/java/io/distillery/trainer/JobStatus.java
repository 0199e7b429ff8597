package io.distillery.trainer;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A job's observable state, persisted as {@code jobs/{jobId}/state.json} and returned by {@code GET
 * /api/v1/jobs/{id}}. Immutable; the job manager replaces it as the job progresses.
 *
 * @param jobId the job
 * @param kind {@code teacher}, {@code distill} or {@code co-train}
 * @param method the method
 * @param state life-cycle state
 * @param step optimiser steps completed
 * @param totalSteps the budget
 * @param epoch current epoch
 * @param losses loss terms, mean over the last progress interval
 * @param validation end-of-job metrics ({@code dice/<class>}, {@code hd95/<class>})
 * @param dataWaitFraction fraction of step time spent waiting for patches (last interval)
 * @param stepSeconds mean step time of the last interval
 * @param etaSeconds estimated seconds to the end of training, or null
 * @param message failure reason or note
 * @param lastCheckpointStep step of the newest checkpoint (0: none)
 * @param dataManifest volume ids per sample group, fixed when the job first starts
 * @param published object keys of the published model files by role
 * @param submittedAt when the job was accepted
 * @param updatedAt when this state was written
 */
public record JobStatus(
    String jobId,
    String kind,
    String method,
    JobState state,
    long step,
    long totalSteps,
    int epoch,
    Map<String, Double> losses,
    Map<String, Double> validation,
    Double dataWaitFraction,
    Double stepSeconds,
    Double etaSeconds,
    String message,
    long lastCheckpointStep,
    Map<String, List<String>> dataManifest,
    Map<String, String> published,
    Instant submittedAt,
    Instant updatedAt) {

  /** A newly queued job. */
  public static JobStatus queued(JobSpec spec, Instant now) {
    return new JobStatus(
        spec.jobId(),
        spec.method().kind(),
        spec.method().methodName(),
        JobState.QUEUED,
        0,
        spec.budget().steps(),
        0,
        Map.of(),
        Map.of(),
        null,
        null,
        null,
        null,
        0,
        Map.of(),
        Map.of(),
        now,
        now);
  }

  public JobStatus withState(JobState newState, String newMessage) {
    return new JobStatus(
        jobId,
        kind,
        method,
        newState,
        step,
        totalSteps,
        epoch,
        losses,
        validation,
        dataWaitFraction,
        stepSeconds,
        etaSeconds,
        newMessage,
        lastCheckpointStep,
        dataManifest,
        published,
        submittedAt,
        Instant.now());
  }

  public JobStatus withProgress(
      long newStep,
      int newEpoch,
      Map<String, Double> newLosses,
      double waitFraction,
      double meanStepSeconds) {
    double eta = Math.max(0, totalSteps - newStep) * meanStepSeconds;
    return new JobStatus(
        jobId,
        kind,
        method,
        state,
        newStep,
        totalSteps,
        newEpoch,
        Map.copyOf(newLosses),
        validation,
        waitFraction,
        meanStepSeconds,
        eta,
        message,
        lastCheckpointStep,
        dataManifest,
        published,
        submittedAt,
        Instant.now());
  }

  /** The same status with the steps a wall-time budget was planned as. */
  public JobStatus withTotalSteps(long plannedSteps) {
    return new JobStatus(
        jobId,
        kind,
        method,
        state,
        step,
        plannedSteps,
        epoch,
        losses,
        validation,
        dataWaitFraction,
        stepSeconds,
        stepSeconds == null ? null : Math.max(0, plannedSteps - step) * stepSeconds,
        message,
        lastCheckpointStep,
        dataManifest,
        published,
        submittedAt,
        Instant.now());
  }

  public JobStatus withCheckpoint(long checkpointStep) {
    return new JobStatus(
        jobId,
        kind,
        method,
        state,
        step,
        totalSteps,
        epoch,
        losses,
        validation,
        dataWaitFraction,
        stepSeconds,
        etaSeconds,
        message,
        checkpointStep,
        dataManifest,
        published,
        submittedAt,
        Instant.now());
  }

  public JobStatus withManifest(Map<String, List<String>> manifest) {
    return new JobStatus(
        jobId,
        kind,
        method,
        state,
        step,
        totalSteps,
        epoch,
        losses,
        validation,
        dataWaitFraction,
        stepSeconds,
        etaSeconds,
        message,
        lastCheckpointStep,
        Map.copyOf(manifest),
        published,
        submittedAt,
        Instant.now());
  }

  public JobStatus withResult(Map<String, Double> metrics, Map<String, String> files) {
    return new JobStatus(
        jobId,
        kind,
        method,
        state,
        step,
        totalSteps,
        epoch,
        losses,
        Map.copyOf(metrics),
        dataWaitFraction,
        stepSeconds,
        0.0,
        message,
        lastCheckpointStep,
        dataManifest,
        Map.copyOf(files),
        submittedAt,
        Instant.now());
  }
}
