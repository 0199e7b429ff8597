package io.distillery.tools.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.distillery.tools.UsageException;
import io.distillery.tools.protocol.Protocol.DataUse;
import io.distillery.tools.protocol.Protocol.Job;
import io.distillery.trainer.JobSpec;
import io.distillery.trainer.JobSpecParser;
import io.distillery.trainer.Method;
import io.distillery.volumeio.dataset.DatasetCase;
import io.distillery.volumeio.dataset.DatasetFolder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every protocol definition against the trainer's own job-spec parser, and the separation of
 * validation cases from training data (structurally always; case by case when {@code
 * ../shared/data} is present).
 */
class ProtocolsTest {

  private static final Budget BUDGET = Budget.steps(40);

  @ParameterizedTest
  @ValueSource(strings = {"ms-kd-btcv", "mskd-btcv", "unpaired-ct-mr", "cross-teaching"})
  void everyJobSpecParsesWithTheTrainersParser(String name) {
    Protocol p = Protocols.define(name, BUDGET, 7, "123");
    assertThat(p.jobs()).isNotEmpty();
    Set<String> jobIds = new HashSet<>();
    for (Job j : p.jobs()) {
      JobSpec spec = JobSpecParser.fromTree(j.spec(), null);
      assertThat(spec.jobId()).isEqualTo(j.jobId());
      assertThat(spec.seed()).isEqualTo(7);
      assertThat(spec.budget().steps()).isEqualTo(40);
      assertThat(spec.method().producesTeacher()).isEqualTo(j.role() == Protocol.Role.TEACHER);
      assertThat(jobIds.add(j.jobId())).as("job ids are distinct").isTrue();
      // What the parser resolves is what the runner reads from the spec.
      assertThat(spec.publishTeachers().stream().map(id -> id + "@" + spec.modelVersion()).toList())
          .isEqualTo(j.publishedTeachers());
      // Every teacher a job distils from is published by an earlier job of the same protocol: a
      // teacher job, or a co-training job that publishes its teachers.
      int index = p.jobs().indexOf(j);
      for (String ref : j.teacherRefs()) {
        assertThat(p.jobs().subList(0, index))
            .anyMatch(
                t ->
                    t.role() == Protocol.Role.TEACHER
                            && ref.equals(t.modelName() + "@" + t.modelVersion())
                        || t.publishedTeachers().contains(ref));
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"ms-kd-btcv", "mskd-btcv", "unpaired-ct-mr", "cross-teaching"})
  void validationSelectionIsNeverTrainedOn(String name) {
    Protocol p = Protocols.define(name, BUDGET, 42, "1");
    DataUse v = p.validation();
    for (Job j : p.jobs()) {
      for (String[] sel : j.trainingSelections()) {
        assertThat(sel[0] + "/" + sel[1]).isNotEqualTo(v.datasetId() + "/" + v.split());
      }
    }
    for (DataUse d : p.data()) {
      if (d.datasetId().equals(v.datasetId())) {
        // Same folder (chaos-mr): the case ranges must not overlap.
        assertThat(d.to()).isBetween(0, v.from());
      }
    }
  }

  @Test
  void theProtocolsUseTheMethodsTheyName() {
    assertThat(methods("ms-kd-btcv"))
        .containsExactly(
            Method.SUPERVISED,
            Method.SUPERVISED,
            Method.SUPERVISED,
            Method.SUPERVISED,
            Method.SUPERVISED,
            Method.KD,
            Method.MULTI_BINARY_TEACHERS,
            Method.MULTI_BINARY_TEACHERS);
    assertThat(methods("mskd-btcv"))
        .containsExactly(Method.SUPERVISED, Method.SUPERVISED, Method.KD, Method.STRUCTURED_KD);
    assertThat(methods("unpaired-ct-mr"))
        .containsExactly(
            Method.SUPERVISED, Method.UNPAIRED_CT_MR, Method.UNPAIRED_CT_MR, Method.UNPAIRED_CT_MR);
    assertThat(methods("cross-teaching"))
        .containsExactly(
            Method.SUPERVISED, Method.CROSS_TEACHING_ONLINE, Method.CROSS_TEACHING_OFFLINE);
  }

  @Test
  void offlineCrossTeachingDistilsFromTheOnlineJobsTeachers() {
    var jobs = Protocols.define("cross-teaching", BUDGET, 42, "9").jobs();
    JobSpec online = JobSpecParser.fromTree(jobs.get(1).spec(), null);
    JobSpec offline = JobSpecParser.fromTree(jobs.get(2).spec(), null);
    assertThat(online.publishTeachers()).containsExactly("crossteach-t1", "crossteach-t2");
    assertThat(offline.teachers())
        .extracting(t -> t.id() + "@" + t.version())
        .containsExactly("crossteach-t1@9", "crossteach-t2@9");
    // The offline student learns the teachers' soft labels on every volume it trains on.
    assertThat(online.applyTo())
        .containsExactlyInAnyOrderElementsOf(
            java.util.stream.Stream.concat(
                    offline.datasets().stream(), offline.unlabelled().stream())
                .map(JobSpec.DataSelection::id)
                .toList());
  }

  /**
   * mskd-btcv and cross-teaching train the same supervised LiteUNet3d: one job, versioned by seed
   * and a hash of its whole spec, so that the second protocol of a run reuses the first one's
   * model, and a run with anything changed in the spec does not.
   */
  @Test
  void theSupervisedLiteStudentIsOneReusableJobOfTwoProtocols() {
    Job inMskd = Protocols.define("mskd-btcv", BUDGET, 42, "1").jobs().get(1);
    Job inCrossTeaching = Protocols.define("cross-teaching", BUDGET, 42, "2").jobs().get(0);
    assertThat(inMskd.key()).isEqualTo("supervised");
    assertThat(inMskd.role()).isEqualTo(Protocol.Role.TEACHER);
    assertThat(inMskd.modelVersion()).matches("s42-[0-9a-f]{10}");
    assertThat(inMskd.jobId()).isEqualTo("ct4organ-lite-supervised-" + inMskd.modelVersion());
    // Same spec in both protocols, whatever the run's version.
    assertThat(inCrossTeaching.spec()).isEqualTo(inMskd.spec());
    // Another budget, another version: an old model is never reused for a changed spec.
    Job longer = Protocols.define("mskd-btcv", Budget.steps(41), 42, "1").jobs().get(1);
    assertThat(longer.modelVersion()).isNotEqualTo(inMskd.modelVersion());
    Job timed =
        Protocols.define("mskd-btcv", Budget.parse("8m/job", new Budget.Planning(0), 4), 42, "1")
            .jobs()
            .get(1);
    assertThat(timed.modelVersion()).isNotEqualTo(inMskd.modelVersion());
  }

  @Test
  void budgetsAndUnknownNames() {
    Budget.Planning planning = new Budget.Planning(120);
    assertThat(Budget.parse("600steps", planning, 4).stepsPerJob()).isEqualTo(600);
    assertThat(Budget.parse("250", planning, 4).stepsPerJob()).isEqualTo(250);
    assertThat(Budget.parse("250", planning, 4).timed()).isFalse();
    // 20 min = 1200 s, of which 120 s fixed: 1080 s shared by 4 jobs, 4.5 min each.
    Budget timed = Budget.parse("20m", planning, 4);
    assertThat(timed.minutes()).isEqualTo(20);
    assertThat(timed.minutesPerJob()).isEqualTo(4.5);
    assertThat(timed.stepsPerJob()).isEqualTo(Budget.TIMED_STEP_CAP);
    Budget perJob = Budget.parse("8.5m/job", planning, 4);
    assertThat(perJob.minutesPerJob()).isEqualTo(8.5);
    assertThat(perJob.describe()).isEqualTo("8.5 min per job (steps planned by the trainer)");
    assertThatThrownBy(() -> Budget.parse("5m", planning, 4))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("less than a minute per training job");
    assertThatThrownBy(() -> Budget.parse("fast", planning, 4)).isInstanceOf(UsageException.class);
    assertThatThrownBy(() -> Budget.parse("0m/job", planning, 4))
        .isInstanceOf(UsageException.class);
    // A time budget reaches the trainer as budget.minutes, which its parser accepts.
    Job job = Protocols.define("mskd-btcv", perJob, 7, "123").jobs().get(0);
    JobSpec spec = JobSpecParser.fromTree(job.spec(), null);
    assertThat(spec.budget().minutes()).isEqualTo(8.5);
    // Every protocol has a default and planning figures.
    for (String name : Protocols.NAMES) {
      String b = ProtocolCommand.BUDGETS.get(name).defaultBudget();
      assertThat(Budget.parse(b, ProtocolCommand.BUDGETS.get(name).planning(), 8).timed()).isTrue();
    }
    assertThatThrownBy(() -> Protocols.define("nope", BUDGET, 1, "1"))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("ms-kd-btcv");
    assertThatThrownBy(() -> ProtocolCommand.parse(new String[] {"--budget", "10steps"}))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("--protocol");
    // Each protocol has its own default; an explicit --budget wins.
    assertThat(ProtocolCommand.parse(new String[] {"--protocol", "ms-kd-btcv"}).budget())
        .isEqualTo("8m/job");
    assertThat(
            ProtocolCommand.parse(new String[] {"--protocol", "ms-kd-btcv", "--budget", "20"})
                .budget())
        .isEqualTo("20");
  }

  /** With the real data: no validation case id appears in any training selection of the run. */
  @ParameterizedTest
  @ValueSource(strings = {"ms-kd-btcv", "mskd-btcv", "unpaired-ct-mr", "cross-teaching"})
  void validationCasesAreNotInTrainingData(String name) throws Exception {
    Path data = Path.of("../../../shared/data").toAbsolutePath().normalize();
    assumeTrue(Files.isDirectory(data), "no ../shared/data: case-level check skipped");
    Protocol p = Protocols.define(name, BUDGET, 42, "1");
    Set<String> validation = new HashSet<>();
    for (DatasetCase c :
        p.validation().select(DatasetFolder.open(data.resolve(p.validation().folder())).cases())) {
      validation.add(c.id());
    }
    assertThat(validation).isNotEmpty();
    for (DataUse d : p.data()) {
      List<DatasetCase> cases = d.select(DatasetFolder.open(data.resolve(d.folder())).cases());
      assertThat(cases).isNotEmpty();
      for (DatasetCase c : cases) {
        assertThat(validation)
            .as(d.datasetId() + " trains on a validation case")
            .doesNotContain(c.id());
      }
    }
  }

  @Test
  void msKdArmsDifferOnlyInTheFeatureWeight() {
    var jobs = Protocols.define("ms-kd-btcv", BUDGET, 42, "1").jobs();
    var logit = JobSpecParser.fromTree(jobs.get(jobs.size() - 2).spec(), null);
    var feature = JobSpecParser.fromTree(jobs.get(jobs.size() - 1).spec(), null);
    assertThat(logit.hyper("featureWeight")).isZero();
    assertThat(feature.hyper("featureWeight")).isEqualTo(0.1);
    assertThat(feature.teachers()).isEqualTo(logit.teachers());
    assertThat(feature.datasets()).isEqualTo(logit.datasets());
    assertThat(jobs.get(jobs.size() - 1).arm()).startsWith("(d)");
  }

  @Test
  void vanillaKdArmDistilsFromTheFourTeachersOnTheMsKdData() {
    Protocol p = Protocols.define("ms-kd-btcv", BUDGET, 42, "1");
    assertThat(p.notRun()).isEmpty();
    Job kd = p.jobs().stream().filter(j -> j.key().equals("kd")).findFirst().orElseThrow();
    Job msKd = p.jobs().stream().filter(j -> j.key().equals("ms-kd")).findFirst().orElseThrow();
    assertThat(kd.arm()).startsWith("(b) vanilla KD from the four teachers");
    assertThat(kd.role()).isEqualTo(Protocol.Role.STUDENT);
    assertThat(kd.modelName()).isEqualTo("mskdbtcv-kd-student");
    JobSpec spec = JobSpecParser.fromTree(kd.spec(), null);
    JobSpec msKdSpec = JobSpecParser.fromTree(msKd.spec(), null);
    assertThat(spec.method()).isEqualTo(Method.KD);
    assertThat(spec.teachers()).hasSize(4).isEqualTo(msKdSpec.teachers());
    assertThat(spec.datasets()).isEqualTo(msKdSpec.datasets());
    assertThat(spec.unlabelled()).isEqualTo(msKdSpec.unlabelled()).isNotEmpty();
    assertThat(spec.classes()).isEqualTo(msKdSpec.classes());
    assertThat(spec.network()).isEqualTo(msKdSpec.network());
    // Default hyper-parameters: nothing set in the spec.
    assertThat(kd.spec().has("hyperParameters")).isFalse();
    assertThat(spec.hyper("temperature")).isEqualTo(1.0);
    assertThat(spec.hyper("kdWeight")).isEqualTo(1.0);
    assertThat(spec.hyper("partialLabelWeight")).isEqualTo(1.0);
    // Each teacher is single-organ: together they cover the student's four organs.
    Set<String> covered = new HashSet<>();
    for (String ref : kd.teacherRefs()) {
      Job teacher =
          p.jobs().stream()
              .filter(t -> ref.equals(t.modelName() + "@" + t.modelVersion()))
              .findFirst()
              .orElseThrow();
      assertThat(teacher.classes()).hasSize(2).first().isEqualTo("background");
      covered.add(teacher.classes().get(1));
    }
    assertThat(covered).containsExactlyInAnyOrderElementsOf(spec.classes().subList(1, 5));
  }

  @Test
  void unpairedArmsDifferOnlyInKdWeightAndSharedNorms() {
    Protocol p = Protocols.define("unpaired-ct-mr", BUDGET, 42, "1");
    assertThat(p.notRun()).isEmpty();
    var jobs = p.jobs();
    JobSpec separate = JobSpecParser.fromTree(jobs.get(1).spec(), null);
    JobSpec prototypes = JobSpecParser.fromTree(jobs.get(2).spec(), null);
    JobSpec shared = JobSpecParser.fromTree(jobs.get(3).spec(), null);
    assertThat(jobs.get(3).arm()).isEqualTo("CT+MR, everything shared");
    assertThat(separate.hyper("kdWeight")).isZero();
    assertThat(separate.hyper("sharedNorms")).isZero();
    assertThat(prototypes.hyper("kdWeight")).isEqualTo(0.5);
    assertThat(prototypes.hyper("sharedNorms")).isZero();
    assertThat(shared.hyper("kdWeight")).isZero();
    assertThat(shared.hyper("sharedNorms")).isEqualTo(1.0);
    assertThat(shared.datasets()).isEqualTo(separate.datasets());
    assertThat(shared.network()).isEqualTo(separate.network());
  }

  private static List<Method> methods(String name) {
    return Protocols.define(name, BUDGET, 42, "1").jobs().stream()
        .map(j -> JobSpecParser.fromTree(j.spec(), null).method())
        .toList();
  }
}
