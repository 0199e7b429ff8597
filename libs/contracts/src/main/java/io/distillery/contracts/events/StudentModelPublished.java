package io.distillery.contracts.events;

import io.distillery.contracts.ObjectRef;
import java.time.Instant;
import java.util.Map;

/**
 * A distilled student is published and may be served. Key: {@code modelName}.
 *
 * @param modelName stable name of the model
 * @param version version, increasing per name
 * @param jobId the job that produced it
 * @param method distillation method, e.g. {@code ms-kd}
 * @param files model files by role: {@code params}, {@code onnx} (or {@code onnx-CT}, {@code
 *     onnx-MR}), {@code modelCard}
 * @param labelNames output channel index (decimal string) to class name, background included
 * @param metrics validation metric name to value, e.g. {@code dice/liver}
 * @param publishedAt when it was published
 */
public record StudentModelPublished(
    String modelName,
    String version,
    String jobId,
    String method,
    Map<String, ObjectRef> files,
    Map<String, String> labelNames,
    Map<String, Double> metrics,
    Instant publishedAt)
    implements DistilleryEvent {

  @Override
  public String aggregateId() {
    return modelName;
  }
}
