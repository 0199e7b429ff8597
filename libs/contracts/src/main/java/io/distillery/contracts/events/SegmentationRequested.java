package io.distillery.contracts.events;

import io.distillery.contracts.ObjectRef;
import java.time.Instant;

/**
 * A command to the inference-service: segment a stored NIfTI image. Key: {@code requestId}.
 *
 * @param requestId the requester's id, echoed in the completion event
 * @param image the NIfTI image to segment
 * @param modelName model to use
 * @param modelVersion pinned version, or null for the latest
 * @param output {@code labels} or {@code probabilities}
 * @param requestedAt when it was asked for
 * @param postprocess {@code default} (the model card's post-processing) or {@code none} (raw
 *     argmax); null or absent is {@code default}
 */
public record SegmentationRequested(
    String requestId,
    ObjectRef image,
    String modelName,
    String modelVersion,
    String output,
    Instant requestedAt,
    String postprocess)
    implements DistilleryEvent {

  /** A request with the model card's post-processing. */
  public SegmentationRequested(
      String requestId,
      ObjectRef image,
      String modelName,
      String modelVersion,
      String output,
      Instant requestedAt) {
    this(requestId, image, modelName, modelVersion, output, requestedAt, null);
  }

  @Override
  public String aggregateId() {
    return requestId;
  }
}
