package io.distillery.contracts.events;

import io.distillery.contracts.ObjectRef;
import java.time.Instant;
import java.util.List;

/**
 * A teacher's soft labels (and, when declared, its feature map or prototypes) for one volume are
 * stored. Key: {@code volumeId}.
 *
 * @param volumeId the volume the teacher ran on
 * @param teacherId the teacher
 * @param teacherVersion the teacher's version
 * @param softLabels encoded probabilities (tensor-codec), layout CDHW
 * @param features encoded feature map (tensor-codec), or null when none is declared
 * @param shape voxel counts of the stored soft labels {@code [x, y, z]}
 * @param spacing voxel size in mm of the stored soft labels {@code [x, y, z]}
 * @param channels class name of each stored probability channel, in order
 * @param encoding codec name and version of the soft labels, e.g. {@code prob-u8-rle/1}
 * @param producedAt when the outputs were durable
 */
public record TeacherOutputsProduced(
    String volumeId,
    String teacherId,
    String teacherVersion,
    ObjectRef softLabels,
    ObjectRef features,
    List<Integer> shape,
    List<Double> spacing,
    List<String> channels,
    String encoding,
    Instant producedAt)
    implements DistilleryEvent {

  @Override
  public String aggregateId() {
    return volumeId;
  }
}
