package io.distillery.trainer.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.distillery.segml.checkpoint.IntensityNormalization;
import io.distillery.trainer.JobSpec;
import java.nio.file.Path;
import java.util.Map;

/**
 * Writes the manifest of a teacher published by the trainer (a teacher job, or a co-trained teacher
 * of cross-teaching-online; see the teacher-service README).
 */
public final class TeacherManifestWriter {
  private static final ObjectMapper MANIFEST_JSON = new ObjectMapper();

  private TeacherManifestWriter() {}

  /**
   * The teacher-service's manifest (its {@code TeacherManifest}, schema version 1) for a teacher
   * job's files: per-axis lists in [x, y, z], the job's spacing, CT window and patch as the sliding
   * window, the dataset policy from {@code applyTo}. The teacher-service parses this file to
   * register the teacher, so it must be that format, not the model card (which is stored next to it
   * as {@code files.modelCard}).
   */
  public static byte[] teacherManifest(
      JobSpec spec, Map<String, Path> files, IntensityNormalization intensity, String featureTap) {
    return teacherManifest(spec, spec.modelName(), files, intensity, featureTap);
  }

  /**
   * The same for the teacher {@code teacherId} of a job that publishes more than its own model
   * (cross-teaching-online's {@code publishTeachers}): version, modality, dataset policy and
   * preprocessing are the job's.
   */
  public static byte[] teacherManifest(
      JobSpec spec,
      String teacherId,
      Map<String, Path> files,
      IntensityNormalization intensity,
      String featureTap) {
    ObjectNode m = MANIFEST_JSON.createObjectNode();
    m.put("schemaVersion", 1);
    m.put("teacherId", teacherId);
    m.put("version", spec.modelVersion());
    m.put("format", "djl");
    ObjectNode names = m.putObject("files");
    files.forEach((role, path) -> names.put(role, path.getFileName().toString()));
    m.put("modality", spec.modality());
    ArrayNode datasets = m.putArray("datasets");
    spec.applyTo().forEach(datasets::add);
    ArrayNode spacing = m.putArray("spacingMm");
    for (double v : spec.budget().spacingMm()) {
      spacing.add(v);
    }
    m.set("normalisation", MANIFEST_JSON.valueToTree(intensity));
    int[] dhw = spec.budget().patchSize();
    m.putArray("roiSize").add(dhw[2]).add(dhw[1]).add(dhw[0]);
    m.put("overlap", spec.hyper("validationOverlap"));
    ArrayNode classes = m.putArray("outputClasses");
    spec.classes().forEach(classes::add);
    m.putNull("storedChannels");
    if (featureTap == null) {
      m.putNull("featureTap");
    } else {
      m.put("featureTap", featureTap);
    }
    m.put("temperature", 1.0);
    try {
      return MANIFEST_JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(m);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree always serialises", e);
    }
  }
}
