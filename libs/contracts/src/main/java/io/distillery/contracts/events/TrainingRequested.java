package io.distillery.contracts.events;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * A command to the student-trainer: run a training or distillation job. Key: {@code jobId}.
 *
 * @param jobId id of the job (also the idempotency key: a job id is run once)
 * @param kind {@code teacher}, {@code distill} or {@code co-train}
 * @param method for {@code distill}: {@code kd}, {@code ms-kd}, {@code mskd}, {@code
 *     cross-teaching-offline}; for {@code co-train}: {@code unpaired-ct-mr}, {@code
 *     cross-teaching-online}; for {@code teacher}: {@code supervised}
 * @param spec the full job specification (datasets, splits, network, hyper-parameters, budget,
 *     seed); validated by the trainer
 * @param requestedBy who asked for it
 * @param requestedAt when it was asked for
 */
public record TrainingRequested(
    String jobId,
    String kind,
    String method,
    JsonNode spec,
    String requestedBy,
    Instant requestedAt)
    implements DistilleryEvent {

  @Override
  public String aggregateId() {
    return jobId;
  }
}
