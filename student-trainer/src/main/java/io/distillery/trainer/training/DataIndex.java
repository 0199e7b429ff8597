package io.distillery.trainer.training;

import io.distillery.contracts.VersionOrder;
import io.distillery.contracts.events.TeacherOutputsProduced;
import io.distillery.contracts.events.VolumeIngested;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The trainer's view of the catalogue: every ingested volume and every stored teacher output, as
 * read from the event topics (later events for the same key replace earlier ones). Immutable
 * snapshot. An output keeps its whole event: the soft labels and, when the teacher declared a
 * feature tap, the feature map's reference ({@code features}) and description ({@code featureMap}:
 * tap, channels, stride, grid), which ms-kd's feature-wise term reads.
 */
public final class DataIndex {
  private final Map<String, VolumeIngested> volumes = new LinkedHashMap<>();
  private final Map<String, TeacherOutputsProduced> outputs = new LinkedHashMap<>();

  /** Builds an index from events in topic order. */
  public DataIndex(
      Collection<VolumeIngested> volumeEvents, Collection<TeacherOutputsProduced> outputEvents) {
    volumeEvents.forEach(v -> volumes.put(v.volumeId(), v));
    outputEvents.forEach(o -> outputs.put(key(o.teacherId(), o.teacherVersion(), o.volumeId()), o));
  }

  /** Volumes of a dataset and split, ordered by case id then volume id. */
  public List<VolumeIngested> volumes(String datasetId, String split) {
    List<VolumeIngested> out = new ArrayList<>();
    for (VolumeIngested v : volumes.values()) {
      if (v.datasetId().equals(datasetId) && v.split().equals(split)) {
        out.add(v);
      }
    }
    out.sort(
        Comparator.comparing((VolumeIngested v) -> String.valueOf(v.caseId()))
            .thenComparing(VolumeIngested::volumeId));
    return out;
  }

  /** A volume by id. */
  public Optional<VolumeIngested> volume(String volumeId) {
    return Optional.ofNullable(volumes.get(volumeId));
  }

  /** The outputs of one teacher version for one volume. */
  public Optional<TeacherOutputsProduced> output(
      String teacherId, String version, String volumeId) {
    return Optional.ofNullable(outputs.get(key(teacherId, version, volumeId)));
  }

  /**
   * The newest version of {@code teacherId} that has outputs, in the platform's one {@link
   * VersionOrder}.
   */
  public Optional<String> latestVersion(String teacherId) {
    return outputs.values().stream()
        .filter(o -> o.teacherId().equals(teacherId))
        .map(TeacherOutputsProduced::teacherVersion)
        .distinct()
        .max(VersionOrder.INSTANCE);
  }

  /** Counts, for logs. */
  public String summary() {
    return volumes.size() + " volumes, " + outputs.size() + " teacher outputs";
  }

  private static String key(String teacherId, String version, String volumeId) {
    return teacherId + "\u0000" + version + "\u0000" + volumeId;
  }
}
