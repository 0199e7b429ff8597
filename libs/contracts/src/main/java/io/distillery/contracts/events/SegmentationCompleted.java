package io.distillery.contracts.events;

import io.distillery.contracts.ObjectRef;
import java.time.Instant;
import java.util.Map;

/**
 * The outcome of a {@link SegmentationRequested}. Key: {@code requestId}.
 *
 * @param requestId the request's id
 * @param status {@code SUCCEEDED} or {@code FAILED}
 * @param result the label map (or probabilities) NIfTI on the input's grid, or null on failure
 * @param modelName model used
 * @param modelVersion version used
 * @param engine inference engine used, e.g. {@code OnnxRuntime}
 * @param volumesMl class name to segmented volume in millilitres
 * @param timingsMs stage name to milliseconds, e.g. {@code preprocess}, {@code inference}
 * @param error failure reason, or null
 * @param completedAt when it finished
 */
public record SegmentationCompleted(
    String requestId,
    String status,
    ObjectRef result,
    String modelName,
    String modelVersion,
    String engine,
    Map<String, Double> volumesMl,
    Map<String, Double> timingsMs,
    String error,
    Instant completedAt)
    implements DistilleryEvent {

  @Override
  public String aggregateId() {
    return requestId;
  }
}
