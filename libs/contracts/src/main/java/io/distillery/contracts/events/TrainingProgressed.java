package io.distillery.contracts.events;

import java.time.Instant;
import java.util.Map;

/**
 * Progress of a training job: emitted on state changes, every few steps and after each validation.
 * Key: {@code jobId}.
 *
 * @param jobId the job
 * @param state {@code QUEUED}, {@code RUNNING}, {@code SUCCEEDED}, {@code FAILED} or {@code
 *     CANCELLED}
 * @param epoch current epoch (0-based)
 * @param step global optimiser step
 * @param totalSteps the step budget
 * @param losses loss component name to its running mean
 * @param validationDice class name to validation Dice, when a validation ran
 * @param dataWaitFraction fraction of step time spent waiting for data since the last event
 * @param etaSeconds estimated seconds to completion, or null
 * @param message a human-readable note, e.g. the failure reason
 * @param at when this was observed
 */
public record TrainingProgressed(
    String jobId,
    String state,
    int epoch,
    long step,
    long totalSteps,
    Map<String, Double> losses,
    Map<String, Double> validationDice,
    Double dataWaitFraction,
    Double etaSeconds,
    String message,
    Instant at)
    implements DistilleryEvent {

  @Override
  public String aggregateId() {
    return jobId;
  }
}
