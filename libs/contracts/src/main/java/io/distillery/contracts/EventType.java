package io.distillery.contracts;

import io.distillery.contracts.events.DistilleryEvent;
import io.distillery.contracts.events.SegmentationCompleted;
import io.distillery.contracts.events.SegmentationRequested;
import io.distillery.contracts.events.StudentModelPublished;
import io.distillery.contracts.events.TeacherModelPublished;
import io.distillery.contracts.events.TeacherOutputsProduced;
import io.distillery.contracts.events.TrainingProgressed;
import io.distillery.contracts.events.TrainingRequested;
import io.distillery.contracts.events.VolumeIngested;
import io.distillery.contracts.events.VolumeSubmitted;
import java.util.Arrays;
import java.util.Optional;

/**
 * The event catalogue: each event's record class, topic, CloudEvents {@code type} and JSON Schema.
 */
public enum EventType {
  VOLUME_SUBMITTED(VolumeSubmitted.class, Topics.VOLUME_SUBMITTED),
  VOLUME_INGESTED(VolumeIngested.class, Topics.VOLUME_INGESTED),
  TEACHER_MODEL_PUBLISHED(TeacherModelPublished.class, Topics.TEACHER_MODEL_PUBLISHED),
  TEACHER_OUTPUTS_PRODUCED(TeacherOutputsProduced.class, Topics.TEACHER_OUTPUTS_PRODUCED),
  TRAINING_REQUESTED(TrainingRequested.class, Topics.TRAINING_REQUESTED),
  TRAINING_PROGRESSED(TrainingProgressed.class, Topics.TRAINING_PROGRESSED),
  STUDENT_MODEL_PUBLISHED(StudentModelPublished.class, Topics.STUDENT_MODEL_PUBLISHED),
  SEGMENTATION_REQUESTED(SegmentationRequested.class, Topics.SEGMENTATION_REQUESTED),
  SEGMENTATION_COMPLETED(SegmentationCompleted.class, Topics.SEGMENTATION_COMPLETED);

  private final Class<? extends DistilleryEvent> recordClass;
  private final String topic;

  EventType(Class<? extends DistilleryEvent> recordClass, String topic) {
    this.recordClass = recordClass;
    this.topic = topic;
  }

  public Class<? extends DistilleryEvent> recordClass() {
    return recordClass;
  }

  public String topic() {
    return topic;
  }

  /** Simple name of the record, e.g. {@code VolumeIngested}. */
  public String eventName() {
    return recordClass.getSimpleName();
  }

  /** CloudEvents {@code type}: the topic name, which already carries the major version. */
  public String cloudEventType() {
    return topic.replace("distillery.", "io.distillery.");
  }

  /** Class-path resource of this event's JSON Schema. */
  public String schemaResource() {
    return "/io/distillery/contracts/schemas/" + eventName() + ".schema.json";
  }

  /** Class-path resource of this event's documented example payload. */
  public String exampleResource() {
    return "/io/distillery/contracts/examples/" + eventName() + ".json";
  }

  public static EventType of(Class<? extends DistilleryEvent> recordClass) {
    return Arrays.stream(values())
        .filter(t -> t.recordClass == recordClass)
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("not a catalogued event: " + recordClass));
  }

  public static Optional<EventType> ofCloudEventType(String type) {
    return Arrays.stream(values()).filter(t -> t.cloudEventType().equals(type)).findFirst();
  }

  public static Optional<EventType> ofTopic(String topic) {
    return Arrays.stream(values()).filter(t -> t.topic.equals(topic)).findFirst();
  }
}
