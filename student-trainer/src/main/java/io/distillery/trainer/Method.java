package io.distillery.trainer;

import java.util.Arrays;
import java.util.Optional;

/**
 * Every job kind and method the trainer runs (methods.md §0–§4). The {@code kind}/{@code method}
 * pair is what {@code TrainingRequested} and the REST spec name.
 */
public enum Method {
  /** Supervised teacher (Dice + CE); a binary dataset gives a 2-class teacher. */
  SUPERVISED("teacher", "supervised", false),
  /**
   * Vanilla KD (Hinton 2015) from stored soft labels, plus the partial-label loss: one teacher
   * covering every job class, or several (e.g. single-organ) teachers whose classes together cover
   * the job's foreground classes, combined per voxel into one target ({@code KdTargets}).
   */
  KD("distill", "kd", true),
  /**
   * MS-KD, wire name {@code ms-kd} (Feng et al., arXiv 2108.02559): a multi-organ student from K
   * binary (single-organ) teachers' stored outputs. Named for what it does, so that it cannot be
   * confused with {@link #STRUCTURED_KD} ({@code mskd}).
   */
  MULTI_BINARY_TEACHERS("distill", "ms-kd", true),
  /**
   * MSKD, wire name {@code mskd} (Comput Biol Med 2023): structured KD, KD(T=4) + FFD + RGD from a
   * multi-organ teacher to a lightweight student.
   */
  STRUCTURED_KD("distill", "mskd", true),
  /** Student from the averaged stored soft labels of two cross-teaching teachers (Choi 2022). */
  CROSS_TEACHING_OFFLINE("distill", "cross-teaching-offline", true),
  /** Dou et al. TMI 2020: one network, shared kernels, per-modality norms, prototype KL. */
  UNPAIRED_CT_MR("co-train", "unpaired-ct-mr", false),
  /** Choi, FLARE 2022, online: two teachers and the student trained together. */
  CROSS_TEACHING_ONLINE("co-train", "cross-teaching-online", false);

  private final String kind;
  private final String method;
  private final boolean needsTeachers;

  Method(String kind, String method, boolean needsTeachers) {
    this.kind = kind;
    this.method = method;
    this.needsTeachers = needsTeachers;
  }

  /** {@code teacher}, {@code distill} or {@code co-train}. */
  public String kind() {
    return kind;
  }

  /** The method's name in specs and events. */
  public String methodName() {
    return method;
  }

  /** Whether the job reads stored teacher outputs. */
  public boolean needsTeachers() {
    return needsTeachers;
  }

  /** Whether the job publishes a teacher (else a student). */
  public boolean producesTeacher() {
    return this == SUPERVISED;
  }

  /** The method of a kind/method pair; a {@code teacher} job's method may be omitted. */
  public static Optional<Method> of(String kind, String method) {
    String m = method == null && "teacher".equals(kind) ? "supervised" : method;
    return Arrays.stream(values())
        .filter(v -> v.kind.equals(kind) && v.method.equals(m))
        .findFirst();
  }
}
