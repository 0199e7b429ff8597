package io.distillery.trainer.training;

/** How stored teacher probabilities are arranged for a method. */
public enum SoftLabelMode {
  /** No teacher outputs. */
  NONE,
  /**
   * One channel per job class (background first), averaged over the teachers (KD, cross teaching).
   */
  ALL_CLASSES,
  /** One foreground channel per job organ, from the teacher that labels it (MS-KD); 0 if none. */
  FOREGROUND_PER_ORGAN
}
