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
 * @param featureMap what {@code features} holds (tap, channels, grid, encoding); null when no
 *     feature map is stored. Optional: events from before it existed omit it.
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
    Instant producedAt,
    FeatureMap featureMap)
    implements DistilleryEvent {

  /**
   * Describes a stored teacher feature map (tensor-codec, layout CDHW, on the soft labels' grid
   * divided by {@code stride}).
   *
   * @param tap the teacher's declared feature layer (its ONNX output name)
   * @param channels channel count C of the map
   * @param stride down-sampling factor relative to the soft labels' grid (1: the same grid)
   * @param shape voxel counts of the map {@code [x, y, z]}
   * @param spacing voxel size in mm of the map {@code [x, y, z]}
   * @param encoding codec name and version, e.g. {@code feat-f16/1}
   */
  public record FeatureMap(
      String tap,
      int channels,
      int stride,
      List<Integer> shape,
      List<Double> spacing,
      String encoding) {}

  @Override
  public String aggregateId() {
    return volumeId;
  }
}
