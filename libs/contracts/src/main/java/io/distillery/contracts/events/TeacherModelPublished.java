package io.distillery.contracts.events;

import io.distillery.contracts.ObjectRef;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A teacher model is available: its files and manifest are in the object store. Published by the
 * student-trainer at the end of a teacher job, or by the teacher-service for an uploaded ONNX
 * teacher. Key: {@code teacherId}.
 *
 * @param teacherId stable name of the teacher, e.g. {@code liver-teacher}
 * @param version version of this teacher; a new version back-fills all ingested volumes
 * @param format {@code djl} (params + model card) or {@code onnx}
 * @param manifest the teacher manifest (JSON)
 * @param files model files by role: {@code params}, {@code onnx}, {@code modelCard}
 * @param modality {@code CT} or {@code MR}
 * @param datasets datasets whose volumes this teacher is applied to (empty: all of its modality)
 * @param outputClasses output channel index (decimal string) to class name, background included
 * @param featureTap name of the declared feature layer, or null
 * @param temperature softmax temperature applied to the stored soft labels
 * @param jobId the training job that produced it, or null for an uploaded model
 * @param publishedAt when it was published
 */
public record TeacherModelPublished(
    String teacherId,
    String version,
    String format,
    ObjectRef manifest,
    Map<String, ObjectRef> files,
    String modality,
    List<String> datasets,
    Map<String, String> outputClasses,
    String featureTap,
    double temperature,
    String jobId,
    Instant publishedAt)
    implements DistilleryEvent {

  @Override
  public String aggregateId() {
    return teacherId;
  }
}
