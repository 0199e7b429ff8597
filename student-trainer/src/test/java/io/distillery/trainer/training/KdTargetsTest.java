package io.distillery.trainer.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.distillery.trainer.InvalidJobSpecException;
import io.distillery.trainer.JobSpec;
import io.distillery.trainer.JobSpecParser;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * kd's target from several teachers ({@link KdTargets}), against numbers computed by hand: the
 * foreground from the covering teacher (mean if several), the background as the product of the
 * teachers' background probabilities, renormalised over the job classes.
 */
class KdTargetsTest {
  private static final List<String> CLASSES = List.of("background", "liver", "spleen");

  /** Channel-major {@code C×voxels} data of one teacher: rows are channels. */
  private static void add(KdTargets targets, String teacher, List<String> names, float[][] rows) {
    targets.add(teacher, names, ch -> rows[ch].clone());
  }

  /** The target of voxel {@code i} over the job classes. */
  private static float[] voxel(float[] target, int classes, int voxels, int i) {
    float[] out = new float[classes];
    for (int c = 0; c < classes; c++) {
      out[c] = target[c * voxels + i];
    }
    return out;
  }

  @Test
  void twoSingleOrganTeachers() {
    // Voxels: 0 liver (both confident: the liver teacher on liver, the spleen teacher on
    // background), 1 both say background, 2 both confident on their own organ, 3 all zero.
    KdTargets targets = new KdTargets(CLASSES, 4);
    add(
        targets,
        "liver-teacher@1",
        List.of("background", "liver"),
        new float[][] {{0.1f, 0.95f, 0.1f, 0f}, {0.9f, 0.05f, 0.9f, 0f}});
    add(
        targets,
        "spleen-teacher@1",
        List.of("background", "spleen"),
        new float[][] {{0.8f, 0.9f, 0.1f, 0f}, {0.2f, 0.1f, 0.9f, 0f}});
    float[] t = targets.finish();
    assertThat(t).hasSize(3 * 4);
    // q = (0.1·0.8, 0.9, 0.2) = (0.08, 0.9, 0.2), sum 1.18
    assertThat(voxel(t, 3, 4, 0))
        .containsExactly(new float[] {0.08f / 1.18f, 0.9f / 1.18f, 0.2f / 1.18f}, within(1e-6f));
    // q = (0.95·0.9, 0.05, 0.1) = (0.855, 0.05, 0.1), sum 1.005
    assertThat(voxel(t, 3, 4, 1))
        .containsExactly(
            new float[] {0.855f / 1.005f, 0.05f / 1.005f, 0.1f / 1.005f}, within(1e-6f));
    // q = (0.1·0.1, 0.9, 0.9) = (0.01, 0.9, 0.9), sum 1.81: liver and spleen split evenly
    assertThat(voxel(t, 3, 4, 2))
        .containsExactly(new float[] {0.01f / 1.81f, 0.9f / 1.81f, 0.9f / 1.81f}, within(1e-6f));
    // Zero sum: guarded by the epsilon, the target stays 0 (no NaN).
    assertThat(voxel(t, 3, 4, 3)).containsExactly(0f, 0f, 0f);
    for (int i = 0; i < 3; i++) {
      float[] v = voxel(t, 3, 4, i);
      assertThat(v[0] + v[1] + v[2]).isCloseTo(1f, within(1e-6f));
    }
  }

  @Test
  void aClassCoveredTwiceTakesTheMean() {
    KdTargets targets = new KdTargets(CLASSES, 1);
    add(targets, "liver-teacher@1", List.of("background", "liver"), new float[][] {{0.2f}, {0.8f}});
    add(
        targets,
        "multi-teacher@1",
        List.of("background", "liver", "spleen"),
        new float[][] {{0.1f}, {0.6f}, {0.3f}});
    // q = (0.2·0.1, (0.8 + 0.6)/2, 0.3) = (0.02, 0.7, 0.3), sum 1.02
    assertThat(targets.finish())
        .containsExactly(new float[] {0.02f / 1.02f, 0.7f / 1.02f, 0.3f / 1.02f}, within(1e-6f));
  }

  @Test
  void aTeacherStoringOnlyItsOrganHasTheComplementAsBackground() {
    // The teacher-service stores only channel 1 of a two-class teacher by default.
    KdTargets targets = new KdTargets(CLASSES, 1);
    add(targets, "liver-teacher@1", List.of("background", "liver"), new float[][] {{0.6f}, {0.4f}});
    add(targets, "spleen-teacher@1", List.of("spleen"), new float[][] {{0.25f}});
    // q = (0.6·(1 − 0.25), 0.4, 0.25) = (0.45, 0.4, 0.25), sum 1.1
    assertThat(targets.finish())
        .containsExactly(new float[] {0.45f / 1.1f, 0.4f / 1.1f, 0.25f / 1.1f}, within(1e-6f));
  }

  @Test
  void anUncoveredClassIsRefusedWithTheReason() {
    List<String> classes = List.of("background", "liver", "spleen", "kidney");
    Map<String, List<String>> channels = new LinkedHashMap<>();
    channels.put("liver-teacher@1", List.of("background", "liver"));
    channels.put("spleen-teacher@1", List.of("spleen"));
    assertThat(KdTargets.refusal(classes, channels))
        .contains("[kidney]")
        .contains("liver-teacher@1 stores [background, liver]")
        .contains("spleen-teacher@1 stores [spleen]");
    assertThatThrownBy(() -> KdTargets.mode(classes, channels))
        .isInstanceOf(TrainingException.class)
        .hasMessageContaining("[kidney] are stored by none of the teachers");
    // The per-case combination refuses the same way.
    KdTargets targets = new KdTargets(classes, 1);
    add(targets, "liver-teacher@1", List.of("background", "liver"), new float[][] {{0.5f}, {0.5f}});
    add(targets, "spleen-teacher@1", List.of("spleen"), new float[][] {{0.5f}});
    assertThatThrownBy(targets::finish)
        .isInstanceOf(TrainingException.class)
        .hasMessageContaining("[kidney]");
    channels.put("kidney-teacher@1", List.of("kidney"));
    assertThat(KdTargets.refusal(classes, channels)).isNull();
  }

  @Test
  void oneTeacherStoringEveryClassIsUsedAsStored() {
    assertThat(
            KdTargets.mode(
                CLASSES, Map.of("multi-teacher@1", List.of("background", "liver", "spleen"))))
        .isEqualTo(SoftLabelMode.ALL_CLASSES);
    Map<String, List<String>> two = new LinkedHashMap<>();
    two.put("liver-teacher@1", List.of("background", "liver"));
    two.put("spleen-teacher@1", List.of("background", "spleen"));
    assertThat(KdTargets.mode(CLASSES, two)).isEqualTo(SoftLabelMode.TEACHERS_COMBINED);
  }

  @Test
  void theSpecParserTakesSeveralDistinctKdTeachers() {
    String spec =
        """
        {"jobId": "kd-two", "kind": "distill", "method": "kd",
         "classes": ["background", "liver", "spleen"],
         "datasets": [{"id": "btcv-liver"}, {"id": "btcv-spleen"}],
         "teachers": %s}
        """;
    JobSpec parsed =
        JobSpecParser.parse(
            spec.formatted("[\"liver-teacher\", \"spleen-teacher@2\"]"), false, "x");
    assertThat(parsed.teachers())
        .containsExactly(
            new JobSpec.TeacherRef("liver-teacher", null),
            new JobSpec.TeacherRef("spleen-teacher", "2"));
    assertThat(parsed.hyper("temperature")).isEqualTo(1.0);
    assertThat(parsed.hyper("kdWeight")).isEqualTo(1.0);
    assertThat(parsed.hyper("partialLabelWeight")).isEqualTo(1.0);
    assertThatThrownBy(
            () ->
                JobSpecParser.parse(
                    spec.formatted("[\"liver-teacher\", \"liver-teacher@2\"]"), false, "x"))
        .isInstanceOf(InvalidJobSpecException.class)
        .hasMessageContaining("kd takes each teacher id at most once");
    assertThatThrownBy(() -> JobSpecParser.parse(spec.formatted("[]"), false, "x"))
        .isInstanceOf(InvalidJobSpecException.class)
        .hasMessageContaining("kd needs at least 1 teacher(s)");
  }
}
