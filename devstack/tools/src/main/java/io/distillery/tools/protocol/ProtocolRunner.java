package io.distillery.tools.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import io.distillery.contracts.Topics;
import io.distillery.contracts.events.DistilleryEvent;
import io.distillery.contracts.events.StudentModelPublished;
import io.distillery.contracts.events.TeacherModelPublished;
import io.distillery.contracts.events.TeacherOutputsProduced;
import io.distillery.contracts.events.TrainingProgressed;
import io.distillery.contracts.events.VolumeIngested;
import io.distillery.segml.metrics.DiceMetric;
import io.distillery.segml.metrics.HausdorffDistance95Metric;
import io.distillery.segml.metrics.SurfaceDiceMetric;
import io.distillery.segml.metrics.VoxelGrid;
import io.distillery.tools.protocol.Protocol.DataUse;
import io.distillery.tools.protocol.Protocol.Job;
import io.distillery.tools.protocol.Protocol.Role;
import io.distillery.tools.protocol.ProtocolReport.Arm;
import io.distillery.tools.protocol.ProtocolReport.CaseScore;
import io.distillery.tools.protocol.ProtocolReport.CurvePoint;
import io.distillery.tools.stack.EventStream;
import io.distillery.tools.stack.EventTimeoutException;
import io.distillery.tools.stack.FailureWatch;
import io.distillery.tools.stack.InferenceClient.Segmentation;
import io.distillery.tools.stack.ModelServing;
import io.distillery.tools.stack.ProgressLine;
import io.distillery.tools.stack.Stack;
import io.distillery.tools.stack.StackException;
import io.distillery.volumeio.Grid;
import io.distillery.volumeio.LabelVolume;
import io.distillery.volumeio.dataset.DatasetCase;
import io.distillery.volumeio.dataset.DatasetFolder;
import io.distillery.volumeio.nifti.NiftiReader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Runs a {@link Protocol} through the running services, as the demo does: uploads its datasets to
 * the ingest-service, submits its jobs to the student-trainer, waits for the published models (and,
 * for distillation jobs, for the teacher-service's soft labels of their teachers), has the
 * inference-service serve every model, segments the held-out cases through {@code POST
 * /api/v1/segment} and scores them with seg-ml's Dice, HD95 and NSD. It never trains or infers
 * itself.
 */
public final class ProtocolRunner {

  /** CloudEvents source of the events this tool publishes (serving teacher-kind models). */
  static final String SOURCE = "/distillery/tools/eval-protocol";

  /** [our choice] NSD tolerance in mm: about one voxel of the coarsest BTCV slice spacing. */
  public static final double NSD_TOLERANCE_MM = 2.0;

  private static final Duration SOFT_LABEL_TIMEOUT = Duration.ofMinutes(30);
  private static final Duration SERVE_TIMEOUT = Duration.ofMinutes(5);

  private final Protocol protocol;
  private final Path dataDir;
  private final PrintStream out;
  private final NiftiReader reader = NiftiReader.withDefaults();
  private final Map<String, String> labels = new LinkedHashMap<>();

  private final Instant waitDeadline;
  private final Reuse reuse;
  private final String run;

  /**
   * A runner; {@code waitLimit} caps the total time spent waiting for trained models and soft
   * labels (null: no cap): past it, each remaining job is reported as not finished and the models
   * published so far are still served and scored.
   */
  public ProtocolRunner(Protocol protocol, Path dataDir, PrintStream out, Duration waitLimit) {
    this(protocol, dataDir, out, waitLimit, Reuse.TEACHERS, "0");
  }

  /**
   * As above, reusing what {@code reuse} says; {@code run} is the run's id (the students' version
   * unless they are reused).
   */
  public ProtocolRunner(
      Protocol protocol,
      Path dataDir,
      PrintStream out,
      Duration waitLimit,
      Reuse reuse,
      String run) {
    this.reuse = reuse;
    this.run = run;
    this.protocol = protocol;
    this.dataDir = dataDir;
    this.out = out;
    this.waitDeadline = waitLimit == null ? null : Instant.now().plus(waitLimit);
  }

  /** {@code wanted}, shortened to what is left of the wait limit (at least one second). */
  private Duration capped(Duration wanted) {
    if (waitDeadline == null) {
      return wanted;
    }
    Duration left = Duration.between(Instant.now(), waitDeadline);
    if (left.compareTo(Duration.ofSeconds(1)) < 0) {
      left = Duration.ofSeconds(1);
    }
    return left.compareTo(wanted) < 0 ? left : wanted;
  }

  /** Runs every job and scores every evaluated model; a failed job is reported, not thrown. */
  public ProtocolReport run(Stack stack, String command) throws IOException {
    long t0 = System.nanoTime();
    Instant started = Instant.now();
    JobVersions.apply(
        protocol.jobs(), spec -> stack.trainer().resolve(spec), reuse, protocol.seed(), run);
    for (Job j : protocol.jobs()) {
      labels.put(j.jobId(), "[" + j.key() + "]");
    }
    stack.events().onEvent(this::progress);

    out.println("--- ingest ---");
    Map<String, List<VolumeIngested>> volumes = ingest(stack);

    out.println("--- training ---");
    Map<String, Published> published = new LinkedHashMap<>();
    Map<String, Double> trainSeconds = new LinkedHashMap<>();
    Map<String, String> status = new LinkedHashMap<>();
    // Jobs without stored teachers are queued at once (the trainer runs them in order); a
    // distillation job waits for its teachers and their soft labels first.
    for (Job j : protocol.jobs()) {
      Optional<Published> reused = reuse == Reuse.NONE ? Optional.empty() : findPublished(stack, j);
      if (reused.isPresent()) {
        published.put(j.key(), reused.get());
        status.put(j.key(), "REUSED " + j.modelName() + "@" + j.modelVersion());
        out.printf(
            "%s reusing published %s@%s%n", labels.get(j.jobId()), j.modelName(), j.modelVersion());
      }
    }
    out.println(estimate(published.keySet()));
    for (Job j : protocol.jobs()) {
      if (j.teacherRefs().isEmpty() && !published.containsKey(j.key())) {
        submit(stack, j);
      }
    }
    for (Job j : protocol.jobs()) {
      if (published.containsKey(j.key())) {
        continue;
      }
      long js = System.nanoTime();
      try {
        if (!j.teacherRefs().isEmpty()) {
          awaitSoftLabels(stack, j, volumes);
          submit(stack, j);
          js = System.nanoTime();
        }
        published.put(j.key(), awaitPublished(stack, j));
        status.put(j.key(), "SUCCEEDED");
      } catch (EventTimeoutException e) {
        status.put(j.key(), "FAILED: " + e.getMessage());
        out.printf("%s failed: %s%n", labels.get(j.jobId()), e.getMessage());
      }
      trainSeconds.put(j.key(), (System.nanoTime() - js) / 1e9);
    }

    out.println("--- serving ---");
    serve(stack, published);

    out.println("--- evaluation ---");
    Map<String, Map<String, List<CaseScore>>> scores = evaluate(stack, published);

    List<Arm> arms = new ArrayList<>();
    for (Job j : protocol.jobs()) {
      Published p = published.get(j.key());
      List<CurvePoint> curve = new ArrayList<>();
      // A time-budgeted job's spec holds only a step cap: the steps are what the trainer planned.
      long steps = j.spec().path("budget").path("steps").asLong();
      long planned = 0;
      for (TrainingProgressed e : stack.events().events(TrainingProgressed.class)) {
        if (e.jobId().equals(p == null ? j.jobId() : p.jobId) && e.totalSteps() > 0) {
          planned = e.totalSteps();
        }
        if (e.jobId().equals(p == null ? j.jobId() : p.jobId)
            && e.losses() != null
            && !e.losses().isEmpty()) {
          Double loss = e.losses().getOrDefault("total", e.losses().values().iterator().next());
          curve.add(new CurvePoint(e.step(), loss));
        }
      }
      curve = dedupe(curve);
      arms.add(
          new Arm(
              j.key(),
              j.arm(),
              p == null ? j.jobId() : p.jobId,
              j.method(),
              j.modelName(),
              j.modelVersion(),
              j.spec().path("network").toString(),
              (int) (j.spec().path("budget").has("minutes") && planned > 0 ? planned : steps),
              status.getOrDefault(j.key(), "NOT RUN"),
              trainSeconds.get(j.key()),
              scores.getOrDefault(j.key(), Map.of()),
              p == null ? null : p.meanMillis,
              curve));
    }
    List<String> cases = new ArrayList<>();
    for (DatasetCase c : validationCases()) {
      cases.add(c.id());
    }
    return new ProtocolReport(
        protocol.name(),
        protocol.title(),
        command,
        started.toString(),
        protocol.seed(),
        protocol.budget().describe(),
        (System.nanoTime() - t0) / 1e9,
        protocol.validation().datasetId() + "/" + protocol.validation().split(),
        cases,
        new LinkedHashMap<>(protocol.organLabels()),
        NSD_TOLERANCE_MM,
        arms,
        protocol.notRun());
  }

  // ---------------------------------------------------------------- stages

  private Map<String, List<VolumeIngested>> ingest(Stack stack) throws IOException {
    Map<String, List<VolumeIngested>> volumes = new LinkedHashMap<>();
    List<DataUse> all = new ArrayList<>(protocol.data());
    all.add(protocol.validation());
    Set<String> ids = new HashSet<>();
    for (DataUse d : all) {
      List<VolumeIngested> list = new ArrayList<>();
      for (DatasetCase c : d.select(DatasetFolder.open(dataDir.resolve(d.folder())).cases())) {
        byte[] image = Files.readAllBytes(c.images().get(0));
        byte[] label = c.label().isPresent() ? Files.readAllBytes(c.label().get()) : null;
        var upload =
            stack
                .ingest()
                .upload(
                    d.datasetId(), c.id(), d.modality(), d.split(), image, label, c.labelNames());
        list.add(upload.volume());
        ids.add(upload.volume().volumeId());
      }
      volumes.put(d.datasetId() + "/" + d.split(), list);
      out.printf(
          Locale.ROOT, "[ingest] %s/%s: %d volumes%n", d.datasetId(), d.split(), list.size());
    }
    stack
        .events()
        .awaitAll(
            VolumeIngested.class,
            v -> ids.contains(v.volumeId()),
            VolumeIngested::volumeId,
            ids.size(),
            Duration.ofMinutes(5),
            "VolumeIngested of every uploaded volume",
            FailureWatch.none());
    return volumes;
  }

  /**
   * The model a job would publish, when one with its name and version is published already:
   * teachers always (their version is the hash of their resolved spec), students when they are
   * versioned that way too ({@link Reuse#ALL}).
   */
  private Optional<Published> findPublished(Stack stack, Job j) {
    if (j.role() == Role.TEACHER) {
      for (TeacherModelPublished t : stack.events().events(TeacherModelPublished.class)) {
        if (t.teacherId().equals(j.modelName()) && t.version().equals(j.modelVersion())) {
          return Optional.of(Published.of(t));
        }
      }
    } else if (reuse == Reuse.ALL) {
      for (StudentModelPublished s : stack.events().events(StudentModelPublished.class)) {
        if (s.modelName().equals(j.modelName()) && s.version().equals(j.modelVersion())) {
          return Optional.of(Published.of(s));
        }
      }
    }
    return Optional.empty();
  }

  /**
   * What the run will take, printed before it starts: the jobs to train, and under a time budget
   * their training minutes plus the protocol's fixed time; under a step budget the steps (each
   * job's ETA follows from the trainer's measured step time while it runs).
   */
  String estimate(Set<String> reused) {
    long toTrain = protocol.jobs().stream().filter(j -> !reused.contains(j.key())).count();
    Budget b = protocol.budget();
    String training =
        b.timed()
            ? String.format(
                Locale.ROOT,
                "about %.0f min of training (%.1f min per job)",
                toTrain * b.minutesPerJob(),
                b.minutesPerJob())
            : String.format(
                Locale.ROOT,
                "%d steps per job; each job's ETA is printed from the trainer's measured step time",
                b.stepsPerJob());
    return String.format(
        Locale.ROOT,
        "plan: %d of %d jobs to train (%d reused, --reuse %s), %s",
        toTrain,
        protocol.jobs().size(),
        reused.size(),
        reuse.option(),
        training);
  }

  private void submit(Stack stack, Job j) {
    stack.trainer().submit(j.spec());
    out.printf(
        Locale.ROOT,
        "%s submitted %s (%s, %s, %s)%n",
        labels.get(j.jobId()),
        j.jobId(),
        j.method(),
        j.spec().path("network").path("name").asText(),
        j.spec().path("budget").has("minutes")
            ? j.spec().path("budget").path("minutes").asDouble()
                + " min, steps planned by the trainer"
            : j.spec().path("budget").path("steps").asInt() + " steps");
  }

  private Published awaitPublished(Stack stack, Job j) {
    String jobId = j.jobId();
    FailureWatch watch =
        FailureWatch.jobFailed(jobId)
            .or(FailureWatch.deadLetterOn(Topics.TRAINING_REQUESTED, jobId::equals));
    Duration timeout = capped(Duration.ofHours(6));
    Published p;
    if (j.role() == Role.TEACHER) {
      p =
          Published.of(
              stack
                  .events()
                  .await(
                      TeacherModelPublished.class,
                      e -> jobId.equals(e.jobId()),
                      timeout,
                      "TeacherModelPublished of job " + jobId,
                      watch));
    } else {
      p =
          Published.of(
              stack
                  .events()
                  .await(
                      StudentModelPublished.class,
                      e -> jobId.equals(e.jobId()),
                      timeout,
                      "StudentModelPublished of job " + jobId,
                      watch));
    }
    out.printf("%s published %s@%s%n", labels.get(jobId), p.name, p.version);
    return p;
  }

  private void awaitSoftLabels(Stack stack, Job j, Map<String, List<VolumeIngested>> volumes) {
    Set<String> needed = new HashSet<>();
    for (String[] sel : j.trainingSelections()) {
      volumes.getOrDefault(sel[0] + "/" + sel[1], List.of()).forEach(v -> needed.add(v.volumeId()));
    }
    for (String ref : j.teacherRefs()) {
      String id = ref.substring(0, ref.indexOf('@'));
      String version = ref.substring(ref.indexOf('@') + 1);
      stack
          .events()
          .awaitAll(
              TeacherOutputsProduced.class,
              o ->
                  id.equals(o.teacherId())
                      && version.equals(o.teacherVersion())
                      && needed.contains(o.volumeId()),
              TeacherOutputsProduced::volumeId,
              needed.size(),
              capped(SOFT_LABEL_TIMEOUT),
              "TeacherOutputsProduced of " + ref,
              publisherFailed(ref)
                  .or(FailureWatch.deadLetterOn(Topics.TEACHER_MODEL_PUBLISHED, id::equals))
                  .or(FailureWatch.deadLetterOn(Topics.VOLUME_INGESTED, needed::contains)));
      out.printf("[soft labels] %s: all %d volumes of %s%n", ref, needed.size(), j.key());
    }
  }

  /**
   * Ends a soft-label wait when the job of this protocol that publishes {@code ref} failed: a
   * teacher job named so, or a co-training job listing it in {@code publishTeachers}.
   */
  private FailureWatch publisherFailed(String ref) {
    for (Job t : protocol.jobs()) {
      if (t.role() == Role.TEACHER && ref.equals(t.modelName() + "@" + t.modelVersion())
          || t.publishedTeachers().contains(ref)) {
        return FailureWatch.jobFailed(t.jobId());
      }
    }
    return FailureWatch.none();
  }

  private void serve(Stack stack, Map<String, Published> published) {
    // Teacher-kind models are served by the same inference-service, through the same event a
    // student uses, so that every arm is segmented through one REST path.
    ModelServing serving = new ModelServing(stack, SOURCE);
    for (Job j : protocol.jobs()) {
      Published p = published.get(j.key());
      if (p != null && j.evaluated() && p.teacher) {
        serving.announceTeacher(p.name, p.version, p.jobId, p.files, p.classes);
      }
    }
    for (Job j : protocol.jobs()) {
      Published p = published.get(j.key());
      if (p != null && j.evaluated()) {
        JsonNode served = serving.awaitServed(p.name, p.version, SERVE_TIMEOUT);
        out.printf(
            Locale.ROOT,
            "[serving] %s@%s on %s%n",
            p.name,
            p.version,
            served.path("engine").asText());
      }
    }
  }

  private List<DatasetCase> validationCases() throws IOException {
    DataUse v = protocol.validation();
    return v.select(DatasetFolder.open(dataDir.resolve(v.folder())).cases());
  }

  private Map<String, Map<String, List<CaseScore>>> evaluate(
      Stack stack, Map<String, Published> published) throws IOException {
    Map<String, Map<String, List<CaseScore>>> scores = new LinkedHashMap<>();
    List<DatasetCase> cases = validationCases();
    List<Job> served = new ArrayList<>();
    for (Job j : protocol.jobs()) {
      if (j.evaluated() && published.containsKey(j.key())) {
        served.add(j);
      }
    }
    if (cases.isEmpty() || served.isEmpty()) {
      return scores;
    }
    // One untimed request per model first: an engine session's first call pays its set-up.
    byte[] first = Files.readAllBytes(cases.get(0).images().get(0));
    for (Job j : served) {
      Published p = published.get(j.key());
      stack.inference().segment(first, p.name, p.version, "labels");
    }
    for (DatasetCase c : cases) {
      byte[] image = Files.readAllBytes(c.images().get(0));
      LabelVolume reference = reader.readLabels(c.label().orElseThrow(), c.labelNames());
      Grid g = reference.grid();
      double[] sp = g.spacing();
      VoxelGrid grid = new VoxelGrid(g.nz(), g.ny(), g.nx(), new double[] {sp[2], sp[1], sp[0]});
      for (Job j : served) {
        Published p = published.get(j.key());
        Segmentation seg = stack.inference().segment(image, p.name, p.version, "labels");
        p.millis.add(seg.roundTrip().toNanos() / 1e6);
        LabelVolume predicted = reader.readLabels(seg.body(), Map.of());
        if (!predicted.grid().matches(g, 1e-3)) {
          throw new StackException(
              p.name
                  + " answered a label map on "
                  + predicted.grid()
                  + ", not on the input grid "
                  + g);
        }
        StringBuilder line = new StringBuilder();
        for (Map.Entry<String, String> e : p.classes.entrySet()) {
          int cls = Integer.parseInt(e.getKey());
          Set<Integer> values = protocol.organLabels().get(e.getValue());
          if (cls == 0 || values == null) {
            continue;
          }
          CaseScore s = score(c.id(), predicted, reference, cls, values, grid);
          scores
              .computeIfAbsent(j.key(), k -> new LinkedHashMap<>())
              .computeIfAbsent(e.getValue(), k -> new ArrayList<>())
              .add(s);
          line.append(String.format(Locale.ROOT, " %s %.3f", e.getValue(), s.dice()));
        }
        out.printf(Locale.ROOT, "[evaluation] %s %s: Dice%s%n", c.id(), j.key(), line);
      }
    }
    for (Published p : published.values()) {
      p.meanMillis =
          p.millis.isEmpty()
              ? null
              : p.millis.stream().mapToDouble(Double::doubleValue).average().orElse(0);
    }
    return scores;
  }

  /** Dice, HD95 and NSD of class {@code cls} of a prediction against the reference values. */
  static CaseScore score(
      String caseId,
      LabelVolume predicted,
      LabelVolume reference,
      int cls,
      Set<Integer> values,
      VoxelGrid grid) {
    int n = reference.grid().size();
    int[] pred = new int[n];
    int[] ref = new int[n];
    for (int i = 0; i < n; i++) {
      pred[i] = predicted.label(i) == cls ? 1 : 0;
      ref[i] = values.contains(reference.label(i)) ? 1 : 0;
    }
    return new CaseScore(
        caseId,
        DiceMetric.compute(pred, ref, 2).of(1),
        HausdorffDistance95Metric.compute(pred, ref, 2, grid).of(1),
        SurfaceDiceMetric.compute(pred, ref, 2, grid, NSD_TOLERANCE_MM).of(1));
  }

  private static List<CurvePoint> dedupe(List<CurvePoint> curve) {
    Map<Long, CurvePoint> byStep = new LinkedHashMap<>();
    curve.forEach(c -> byStep.put(c.step(), c));
    List<CurvePoint> out = new ArrayList<>(byStep.values());
    out.sort((a, b) -> Long.compare(a.step(), b.step()));
    return out;
  }

  private void progress(EventStream.Observed observed) {
    DistilleryEvent event = observed.event();
    if (event instanceof TrainingProgressed p && labels.containsKey(p.jobId())) {
      out.println(ProgressLine.format(labels.get(p.jobId()), p));
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StackException("interrupted");
    }
  }

  /** A published model of this run (or a reused teacher). */
  private static final class Published {
    final String name;
    final String version;
    final String jobId;
    final boolean teacher;
    final Map<String, io.distillery.contracts.ObjectRef> files;
    final Map<String, String> classes;
    final List<Double> millis = new ArrayList<>();
    Double meanMillis;

    private Published(
        String name,
        String version,
        String jobId,
        boolean teacher,
        Map<String, io.distillery.contracts.ObjectRef> files,
        Map<String, String> classes) {
      this.name = name;
      this.version = version;
      this.jobId = jobId;
      this.teacher = teacher;
      this.files = files;
      this.classes = new java.util.TreeMap<>(classes);
    }

    static Published of(TeacherModelPublished t) {
      return new Published(
          t.teacherId(), t.version(), t.jobId(), true, t.files(), t.outputClasses());
    }

    static Published of(StudentModelPublished s) {
      return new Published(s.modelName(), s.version(), s.jobId(), false, s.files(), s.labelNames());
    }
  }
}
