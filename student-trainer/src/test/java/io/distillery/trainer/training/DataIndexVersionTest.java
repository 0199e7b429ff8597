package io.distillery.trainer.training;

import static org.assertj.core.api.Assertions.assertThat;

import io.distillery.contracts.ObjectRef;
import io.distillery.contracts.VersionOrder;
import io.distillery.contracts.events.TeacherOutputsProduced;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The trainer picks a teacher's latest outputs in the same {@link VersionOrder} as the
 * teacher-service's registry (which keeps its versions in a map ordered by it), so that both choose
 * the same version from the same mixed list.
 */
class DataIndexVersionTest {

  @Test
  void latestVersionIsTheMaximumOfThePlatformsOneOrder() {
    List<String> versions =
        List.of("9", "10", "10a", "1796681364", "s42-n800", "s42-n800-3f2a", "1", "2024.1");
    DataIndex index =
        new DataIndex(List.of(), versions.stream().map(v -> output("liver", v)).toList());

    assertThat(index.latestVersion("liver"))
        .contains(Collections.max(versions, VersionOrder.INSTANCE))
        .contains("s42-n800-3f2a");
    assertThat(index.latestVersion("spleen")).isEmpty();
  }

  private static TeacherOutputsProduced output(String teacher, String version) {
    ObjectRef soft =
        new ObjectRef("distillery", "teachers/" + teacher + "/" + version, "0".repeat(64), 1, "x");
    return new TeacherOutputsProduced(
        "volume-1",
        teacher,
        version,
        soft,
        null,
        List.of(4, 4, 4),
        List.of(1.0, 1.0, 1.0),
        List.of("background", teacher),
        "prob-u8/1",
        Instant.now(),
        null);
  }
}
