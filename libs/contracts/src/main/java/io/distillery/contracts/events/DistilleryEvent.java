package io.distillery.contracts.events;

/**
 * An event of the catalogue. Its {@link #aggregateId()} is the Kafka record key, so that one
 * aggregate's events stay ordered within a partition.
 */
public sealed interface DistilleryEvent
    permits VolumeSubmitted,
        VolumeIngested,
        TeacherModelPublished,
        TeacherOutputsProduced,
        TrainingRequested,
        TrainingProgressed,
        StudentModelPublished,
        SegmentationRequested,
        SegmentationCompleted {

  /** The aggregate this event belongs to; used as the record key. */
  String aggregateId();
}
