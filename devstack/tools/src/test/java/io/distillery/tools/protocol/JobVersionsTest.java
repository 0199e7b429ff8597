package io.distillery.tools.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.distillery.tools.UsageException;
import io.distillery.tools.protocol.Protocol.Job;
import io.distillery.tools.protocol.Protocol.Role;
import io.distillery.trainer.JobSpecParser;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Versions from the spec as the trainer resolves it (the trainer's own parser, the code behind
 * {@code POST /api/v1/jobs/resolve}), so that a changed recipe default never reuses a stored model.
 */
class JobVersionsTest {

  private static final UnaryOperator<JsonNode> TRAINER =
      spec -> JobSpecParser.fromTree(spec, null).resolved();

  /** The trainer of a later release whose default learning rate is different. */
  private static final UnaryOperator<JsonNode> NEXT_RELEASE =
      spec -> {
        ObjectNode resolved = (ObjectNode) TRAINER.apply(spec).deepCopy();
        ((ObjectNode) resolved.path("hyperParameters")).put("learningRate", 0.002);
        return resolved;
      };

  private static Protocol msKd() {
    return msKd("123");
  }

  private static Protocol msKd(String run) {
    return Protocols.define("ms-kd-btcv", Budget.steps(40), 42, run);
  }

  @Test
  void aChangedTrainerDefaultGivesTheTeachersNewVersionsAndTheStudentsFollow() {
    Protocol today = msKd();
    Protocol later = msKd();

    JobVersions.apply(today.jobs(), TRAINER, Reuse.TEACHERS, 42, "123");
    JobVersions.apply(later.jobs(), NEXT_RELEASE, Reuse.TEACHERS, 42, "124");

    for (int i = 0; i < today.jobs().size(); i++) {
      Job a = today.jobs().get(i);
      Job b = later.jobs().get(i);
      if (a.role() == Role.TEACHER) {
        assertThat(a.modelVersion()).startsWith("s42-").isNotEqualTo(b.modelVersion());
        assertThat(a.jobId()).isEqualTo(a.modelName() + "-" + a.modelVersion());
      } else {
        assertThat(a.modelVersion()).as("students keep the run's version").isEqualTo("123");
      }
    }
    // Every teacher reference points at the re-versioned teacher.
    for (Job j : today.jobs()) {
      for (String ref : j.teacherRefs()) {
        assertThat(today.jobs()).anyMatch(t -> ref.equals(t.modelName() + "@" + t.modelVersion()));
      }
    }
  }

  @Test
  void aSpecThatSpellsOutADefaultIsTheSameRecipe() {
    Protocol implicit = msKd();
    Protocol explicit = msKd();
    Job teacher = explicit.jobs().get(0);
    double lr =
        TRAINER.apply(teacher.spec()).path("hyperParameters").path("learningRate").asDouble();
    teacher.spec().putObject("hyperParameters").put("learningRate", lr);

    JobVersions.apply(implicit.jobs(), TRAINER, Reuse.TEACHERS, 42, "1");
    JobVersions.apply(explicit.jobs(), TRAINER, Reuse.TEACHERS, 42, "2");

    assertThat(explicit.jobs().get(0).modelVersion())
        .isEqualTo(implicit.jobs().get(0).modelVersion());
  }

  @Test
  void reuseAllVersionsStudentsByTheirRecipeAndReuseNoneByTheRun() {
    Protocol first = msKd("1");
    Protocol again = msKd("2");
    Protocol fresh = msKd("3");

    JobVersions.apply(first.jobs(), TRAINER, Reuse.ALL, 42, "1");
    JobVersions.apply(again.jobs(), TRAINER, Reuse.ALL, 42, "2");
    JobVersions.apply(fresh.jobs(), TRAINER, Reuse.NONE, 42, "3");

    for (int i = 0; i < first.jobs().size(); i++) {
      Job a = first.jobs().get(i);
      assertThat(a.modelVersion()).startsWith("s42-");
      assertThat(again.jobs().get(i).jobId())
          .as("a second run of the same command finds the same jobs")
          .isEqualTo(a.jobId());
      Job f = fresh.jobs().get(i);
      if (f.role() == Role.TEACHER) {
        assertThat(f.modelVersion()).endsWith("-r3");
      } else {
        assertThat(f.modelVersion()).isEqualTo("3");
      }
    }
  }

  @Test
  void theReuseOption() {
    assertThat(Reuse.parse("ALL")).isEqualTo(Reuse.ALL);
    assertThat(Reuse.parse("none")).isEqualTo(Reuse.NONE);
    assertThatThrownBy(() -> Reuse.parse("some"))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("none, teachers, all");
    assertThat(List.of(Reuse.values())).extracting(Reuse::option).contains("teachers");
  }
}
