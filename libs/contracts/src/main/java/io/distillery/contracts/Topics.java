package io.distillery.contracts;

import java.util.List;

/**
 * Kafka topic names, the single place they are spelled. Topics follow {@code
 * distillery.<entity>.<past-verb>.v<major>}; every topic has a dead-letter twin {@code
 * <topic>.dlq}.
 */
public final class Topics {

  public static final String VOLUME_SUBMITTED = "distillery.volume.submitted.v1";
  public static final String VOLUME_INGESTED = "distillery.volume.ingested.v1";
  public static final String TEACHER_MODEL_PUBLISHED = "distillery.teacher-model.published.v1";
  public static final String TEACHER_OUTPUTS_PRODUCED = "distillery.teacher-outputs.produced.v1";
  public static final String TRAINING_REQUESTED = "distillery.training.requested.v1";
  public static final String TRAINING_PROGRESSED = "distillery.training.progressed.v1";
  public static final String STUDENT_MODEL_PUBLISHED = "distillery.student-model.published.v1";
  public static final String SEGMENTATION_REQUESTED = "distillery.segmentation.requested.v1";
  public static final String SEGMENTATION_COMPLETED = "distillery.segmentation.completed.v1";

  /** Suffix of every dead-letter topic. */
  public static final String DEAD_LETTER_SUFFIX = ".dlq";

  /** Kafka header naming why a record was dead-lettered. */
  public static final String DEAD_LETTER_REASON_HEADER = "dead-letter-reason";

  private Topics() {}

  /** The dead-letter topic of {@code topic}. */
  public static String deadLetter(String topic) {
    return topic + DEAD_LETTER_SUFFIX;
  }

  /** Every event topic, in pipeline order. */
  public static List<String> all() {
    return List.of(
        VOLUME_SUBMITTED,
        VOLUME_INGESTED,
        TEACHER_MODEL_PUBLISHED,
        TEACHER_OUTPUTS_PRODUCED,
        TRAINING_REQUESTED,
        TRAINING_PROGRESSED,
        STUDENT_MODEL_PUBLISHED,
        SEGMENTATION_REQUESTED,
        SEGMENTATION_COMPLETED);
  }
}
