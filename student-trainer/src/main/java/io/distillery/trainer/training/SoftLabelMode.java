package io.distillery.trainer.training;

/** How stored teacher probabilities are arranged for a method. */
public enum SoftLabelMode {
  /** No teacher outputs. */
  NONE,
  /**
   * One channel per job class (background first), averaged over the teachers (cross teaching; KD
   * from one teacher that stores every job class). Each teacher must store every job class.
   */
  ALL_CLASSES,
  /** One foreground channel per job organ, from the teacher that labels it (MS-KD); 0 if none. */
  FOREGROUND_PER_ORGAN,
  /**
   * One channel per job class (background first), combined from several teachers that together
   * cover the job's foreground classes (KD from single-organ teachers): see {@link KdTargets}.
   */
  TEACHERS_COMBINED
}
