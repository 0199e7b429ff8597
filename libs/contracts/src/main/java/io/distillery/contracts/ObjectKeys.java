package io.distillery.contracts;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The object-key layout of the store, in one place. Keys are deterministic so that a consumer that
 * finds its output already written can skip the work (idempotency).
 *
 * <pre>
 * volumes/{volumeId}/image.nii.gz              canonical image (RAS, dataset spacing)
 * volumes/{volumeId}/label.nii.gz              canonical label map, when labelled
 * volumes/{volumeId}/preview.png               three orthogonal slices with the label overlay
 * volumes/{volumeId}/volume.json               the VolumeIngested record (written last)
 * uploads/{submissionId}/{fileName}            raw uploads awaiting ingestion
 * teachers/{teacherId}/{version}/manifest.json teacher manifest
 * teachers/{teacherId}/{version}/{fileName}    teacher model files (.params, .onnx, model card)
 * teacher-outputs/{teacherId}/{version}/{volumeId}/soft-labels.dtc   encoded probabilities
 * teacher-outputs/{teacherId}/{version}/{volumeId}/features.dtc      encoded feature map
 * teacher-outputs/{teacherId}/{version}/{volumeId}/produced.json     the announced
 *                                              TeacherOutputsProduced record (written last)
 * jobs/{jobId}/spec.json                       training job specification
 * jobs/{jobId}/state.json                      training job state (progress, outcome), rewritten
 * jobs/{jobId}/checkpoints/step-{step}/{file}  training checkpoints
 * models/{modelName}/{version}/{fileName}      published students (.params, .onnx, model-card.json)
 * segmentations/{requestId}/{fileName}         asynchronous segmentation inputs and results
 * segmentations/{requestId}/completed.json     the announced SegmentationCompleted record
 *                                              (written after the result, before announcing)
 * </pre>
 */
public final class ObjectKeys {

  /** Identifiers used inside keys: no slashes, no dots at the start, bounded length. */
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

  private ObjectKeys() {}

  public static String volumeImage(String volumeId) {
    return "volumes/" + id(volumeId) + "/image.nii.gz";
  }

  public static String volumeLabel(String volumeId) {
    return "volumes/" + id(volumeId) + "/label.nii.gz";
  }

  public static String volumePreview(String volumeId) {
    return "volumes/" + id(volumeId) + "/preview.png";
  }

  /** The ingested-volume record; its presence means ingestion of that volume completed. */
  public static String volumeRecord(String volumeId) {
    return "volumes/" + id(volumeId) + "/volume.json";
  }

  /** Prefix of all volume objects, for listing. */
  public static String volumesPrefix() {
    return "volumes/";
  }

  public static String upload(String submissionId, String fileName) {
    return "uploads/" + id(submissionId) + "/" + id(fileName);
  }

  /** Prefix of every version of one teacher, for listing its versions. */
  public static String teacherVersionsPrefix(String teacherId) {
    return teachersPrefix() + id(teacherId) + "/";
  }

  public static String teacherPrefix(String teacherId, String version) {
    return teacherVersionsPrefix(teacherId) + id(version) + "/";
  }

  public static String teacherManifest(String teacherId, String version) {
    return teacherPrefix(teacherId, version) + "manifest.json";
  }

  public static String teacherFile(String teacherId, String version, String fileName) {
    return teacherPrefix(teacherId, version) + id(fileName);
  }

  public static String teacherSoftLabels(String teacherId, String version, String volumeId) {
    return teacherOutputPrefix(teacherId, version, volumeId) + "soft-labels.dtc";
  }

  public static String teacherFeatures(String teacherId, String version, String volumeId) {
    return teacherOutputPrefix(teacherId, version, volumeId) + "features.dtc";
  }

  /**
   * The TeacherOutputsProduced record of one (teacher version, volume), written after the event was
   * acknowledged by the broker: its presence means the outputs were stored and announced.
   */
  public static String teacherOutputRecord(String teacherId, String version, String volumeId) {
    return teacherOutputPrefix(teacherId, version, volumeId) + "produced.json";
  }

  /** Prefix of all teacher objects (manifests and model files), for listing. */
  public static String teachersPrefix() {
    return "teachers/";
  }

  public static String teacherOutputPrefix(String teacherId, String version, String volumeId) {
    return "teacher-outputs/" + id(teacherId) + "/" + id(version) + "/" + id(volumeId) + "/";
  }

  public static String jobSpec(String jobId) {
    return "jobs/" + id(jobId) + "/spec.json";
  }

  /** The job's latest persisted state; rewritten as the job progresses. */
  public static String jobState(String jobId) {
    return "jobs/" + id(jobId) + "/state.json";
  }

  /** Prefix of every job's objects, for listing jobs at start-up. */
  public static String jobsPrefix() {
    return "jobs/";
  }

  public static String checkpointPrefix(String jobId, long step) {
    if (step < 0) {
      throw new IllegalArgumentException("step must be >= 0, was " + step);
    }
    return "jobs/"
        + id(jobId)
        + "/checkpoints/"
        + String.format(Locale.ROOT, "step-%010d", step)
        + "/";
  }

  /** Prefix of every published model, for listing. */
  public static String modelsPrefix() {
    return "models/";
  }

  /** Prefix of every version of one published model, for listing its versions. */
  public static String modelVersionsPrefix(String modelName) {
    return modelsPrefix() + id(modelName) + "/";
  }

  public static String modelPrefix(String modelName, String version) {
    return modelVersionsPrefix(modelName) + id(version) + "/";
  }

  public static String modelFile(String modelName, String version, String fileName) {
    return modelPrefix(modelName, version) + id(fileName);
  }

  public static String segmentation(String requestId, String fileName) {
    return "segmentations/" + id(requestId) + "/" + id(fileName);
  }

  /**
   * The {@code SegmentationCompleted} record of a stored result: its presence means "stored", and a
   * redelivered request announces it again instead of segmenting again.
   */
  public static String segmentationRecord(String requestId) {
    return segmentation(requestId, "completed.json");
  }

  /**
   * Checks that {@code value} is safe inside a key (no path traversal, no separators).
   *
   * @throws IllegalArgumentException naming the offending value
   */
  public static String id(String value) {
    if (value == null || !ID.matcher(value).matches() || value.contains("..")) {
      throw new IllegalArgumentException(
          "not a valid identifier for an object key: '"
              + value
              + "' (1-128 characters of [A-Za-z0-9._-], starting with a letter or digit, no '..')");
    }
    return value;
  }
}
