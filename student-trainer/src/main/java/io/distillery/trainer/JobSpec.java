package io.distillery.trainer;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/**
 * A validated training job with every default resolved (see {@link JobSpecParser} and the module
 * README for the YAML/JSON form). Spatial sizes: {@code patchSize} is D, H, W (z, y, x) in voxels;
 * {@code spacingMm} is x, y, z in mm, as in the volume events.
 *
 * @param jobId job id (idempotency key)
 * @param method kind and method
 * @param modelName name of the published model (teacher id for teacher jobs)
 * @param modelVersion version of the published model
 * @param classes output classes, background first
 * @param modality {@code CT} or {@code MR} (co-train unpaired-ct-mr uses both)
 * @param datasets training data
 * @param validation validation data (evaluated at the end; may be empty)
 * @param unlabelled unlabelled pool (cross teaching)
 * @param teachers teachers whose stored outputs a distill job reads
 * @param applyTo teacher jobs and jobs with {@code publishTeachers}: dataset ids the published
 *     teacher(s) are applied to by the teacher-service (empty: every dataset of its modality);
 *     default the training datasets (plus the unlabelled pool when publishing co-trained teachers)
 * @param publishTeachers cross-teaching-online: teacher ids under which T1 (transposed-convolution
 *     up-sampling) and T2 (interpolation up-sampling) are also published as teachers, in that
 *     order, at the job's {@code modelVersion}; empty (the default) publishes the student only
 * @param network the trained network (the student, or the teacher of a teacher job)
 * @param teacherNetwork the teachers' network of cross-teaching-online, else null
 * @param hyperParameters resolved hyper-parameters (methods.md defaults filled in; switches such as
 *     {@code sharedNorms} as 1.0 / 0.0)
 * @param budget steps and sampling
 * @param seed seed of every random choice of the job
 * @param resolved the spec as JSON with defaults filled in (what is stored and shown)
 */
public record JobSpec(
    String jobId,
    Method method,
    String modelName,
    String modelVersion,
    List<String> classes,
    String modality,
    List<DataSelection> datasets,
    List<DataSelection> validation,
    List<DataSelection> unlabelled,
    List<TeacherRef> teachers,
    List<String> applyTo,
    List<String> publishTeachers,
    NetworkConfig network,
    NetworkConfig teacherNetwork,
    Map<String, Double> hyperParameters,
    Budget budget,
    long seed,
    JsonNode resolved) {

  /**
   * Volumes of one dataset and split, as named in {@code VolumeIngested}.
   *
   * @param id dataset id
   * @param split split ({@code train}, {@code val}, {@code test}, {@code unlabelled})
   */
  public record DataSelection(String id, String split) {}

  /**
   * A teacher by id and optional version (null: the latest one with outputs).
   *
   * @param id teacher id
   * @param version teacher version or null
   */
  public record TeacherRef(String id, String version) {}

  /**
   * The architecture knobs a spec may set.
   *
   * @param name {@code UNet3d} or {@code LiteUNet3d}
   * @param baseWidth channels at full resolution
   * @param depth resolution levels
   */
  public record NetworkConfig(String name, int baseWidth, int depth) {}

  /**
   * Step budget and sampling.
   *
   * @param steps optimiser steps
   * @param batchSize patches per step (per group for co-training)
   * @param patchSize patch D, H, W in voxels
   * @param spacingMm training spacing x, y, z in mm
   * @param stepsPerEpoch steps counted as one epoch (ramp-ups, progress)
   * @param checkpointEvery steps between checkpoints
   * @param progressEvery steps between progress events
   */
  public record Budget(
      int steps,
      int batchSize,
      int[] patchSize,
      double[] spacingMm,
      int stepsPerEpoch,
      int checkpointEvery,
      int progressEvery,
      double minutes) {

    /** A step budget (no wall-time limit). */
    public Budget(
        int steps,
        int batchSize,
        int[] patchSize,
        double[] spacingMm,
        int stepsPerEpoch,
        int checkpointEvery,
        int progressEvery) {
      this(
          steps, batchSize, patchSize, spacingMm, stepsPerEpoch, checkpointEvery, progressEvery, 0);
    }

    /** Whether the steps are planned from a wall-time budget ({@code steps} is then the cap). */
    public boolean timed() {
      return minutes > 0;
    }
  }

  /** A hyper-parameter (all are resolved, so present). */
  public double hyper(String name) {
    Double value = hyperParameters.get(name);
    if (value == null) {
      throw new IllegalStateException("hyper-parameter " + name + " was not resolved");
    }
    return value;
  }

  /** Epochs of the budget (at least 1). */
  public int epochs() {
    return Math.max(1, (budget.steps() + budget.stepsPerEpoch() - 1) / budget.stepsPerEpoch());
  }
}
