package io.distillery.tools.demo;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.distillery.contracts.ObjectRef;
import io.distillery.contracts.Topics;
import io.distillery.contracts.events.DistilleryEvent;
import io.distillery.contracts.events.StudentModelPublished;
import io.distillery.contracts.events.TeacherModelPublished;
import io.distillery.contracts.events.TeacherOutputsProduced;
import io.distillery.contracts.events.TrainingProgressed;
import io.distillery.contracts.events.VolumeIngested;
import io.distillery.segml.checkpoint.Checkpoint;
import io.distillery.segml.checkpoint.ModelCard;
import io.distillery.segml.engine.EngineThreads;
import io.distillery.segml.metrics.DiceMetric;
import io.distillery.segml.networks.SegmentationNetwork;
import io.distillery.tools.demo.DemoData.Dataset;
import io.distillery.tools.demo.DemoData.Role;
import io.distillery.tools.demo.DemoReport.ModelResult;
import io.distillery.tools.stack.EventStream;
import io.distillery.tools.stack.EventTimeoutException;
import io.distillery.tools.stack.FailureWatch;
import io.distillery.tools.stack.InferenceClient.Segmentation;
import io.distillery.tools.stack.ModelServing;
import io.distillery.tools.stack.ProgressLine;
import io.distillery.tools.stack.Stack;
import io.distillery.tools.stack.StackException;
import io.distillery.volumeio.LabelVolume;
import io.distillery.volumeio.dataset.DatasetCase;
import io.distillery.volumeio.nifti.NiftiReader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The demo's flow, driven entirely through the running services: ingest (REST uploads) → four
 * single-organ teachers (student-trainer jobs, {@code TeacherModelPublished}) → their soft labels
 * (teacher-service, {@code TeacherOutputsProduced}) → an MS-KD student (trainer job, {@code
 * StudentModelPublished}) → served by the inference-service → validation volumes segmented through
 * {@code POST /api/v1/segment} and scored with seg-ml's {@link DiceMetric}. Each stage prints its
 * progress; the result is a {@link DemoReport}.
 *
 * <p>Every run uses a new version (epoch seconds) for its teachers and its student and job ids
 * derived from it, so that runs on a kept stack never collide with earlier ones; ingestion is
 * idempotent (same bytes, same volume id).
 *
 * <p>The teachers are served by the same inference-service (the demo publishes a {@code
 * StudentModelPublished} naming each teacher's stored files), so that teachers and student are
 * timed and scored through the same REST path and pre/post-processing.
 */
public final class Demo {

  /** CloudEvents source of the events the demo publishes. */
  static final String SOURCE = "/distillery/tools/demo";

  /** Name of the distilled student model. */
  public static final String STUDENT = "abdomen-student";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration SOFT_LABEL_TIMEOUT = Duration.ofMinutes(15);
  private static final Duration SERVE_TIMEOUT = Duration.ofMinutes(3);

  /**
   * How to run.
   *
   * @param preset the work done
   * @param data the datasets
   * @param stackSeconds time the stack took to start, when the caller started it (else null)
   */
  public record Options(DemoPreset preset, DemoData data, Double stackSeconds) {}

  private final Options options;
  private final PrintStream out;
  private final NiftiReader reader = NiftiReader.withDefaults();
  private final String version = Long.toString(Instant.now().getEpochSecond());
  private final String runId = "demo-" + version;
  private final Map<String, String> jobLabels = new ConcurrentHashMap<>();
  private final Map<String, Integer> outputsSeen = new ConcurrentHashMap<>();
  private long stageStart;

  public Demo(Options options, PrintStream out) {
    this.options = options;
    this.out = out;
  }

  /** The version of this run's teachers and student. */
  public String version() {
    return version;
  }

  /** The job id of the teacher of {@code organ} in this run. */
  public String teacherJobId(String organ) {
    return runId + "-" + teacherId(organ);
  }

  /** The job id of this run's student. */
  public String studentJobId() {
    return runId + "-" + STUDENT;
  }

  /** The teacher id of {@code organ}. */
  public static String teacherId(String organ) {
    return organ + "-teacher";
  }

  /**
   * Runs every stage on {@code stack} and returns what was measured. A failed student (for example
   * a non-finite distillation loss) is recorded in the report and the run goes on; any other
   * failure throws.
   */
  public DemoReport run(Stack stack) throws IOException {
    DemoPreset preset = options.preset();
    DemoData data = options.data();
    DemoReport report =
        new DemoReport(
            String.format(
                Locale.ROOT,
                "Distillery demo: %s, preset %s, run %s",
                data.synthetic() ? "synthetic phantoms" : "BTCV from " + data.source(),
                preset.name(),
                version));
    if (options.stackSeconds() != null) {
      report.stage("stack start", options.stackSeconds());
    }
    out.println(preset.describe());
    preset.expectation().ifPresent(out::println);
    out.printf(
        Locale.ROOT,
        "data: %s (%d cases in %d datasets)%n",
        data.source(),
        data.caseCount(),
        data.datasets().size());
    stack.events().onEvent(this::progress);

    begin("ingest");
    Map<String, List<VolumeIngested>> volumes = ingest(stack, data);
    end(report, "ingest");

    begin("teachers");
    Map<String, TeacherModelPublished> teachers = trainTeachers(stack, data, volumes);
    end(report, "teachers");

    begin("soft labels");
    awaitSoftLabels(stack, data, volumes, teachers);
    end(report, "soft labels");

    begin("distillation");
    StudentModelPublished student = null;
    try {
      student = distil(stack, data, teachers);
    } catch (EventTimeoutException e) {
      report.studentFailed(e.getMessage());
      out.println(
          "[distillation] the student job failed; going on with the teachers: " + e.getMessage());
    }
    end(report, "distillation");

    begin("serving");
    serve(stack, teachers, student);
    end(report, "serving");

    begin("evaluation");
    evaluate(stack, data, teachers, student, report);
    end(report, "evaluation");
    return report;
  }

  // ---------------------------------------------------------------- stages

  private Map<String, List<VolumeIngested>> ingest(Stack stack, DemoData data) throws IOException {
    Map<String, List<VolumeIngested>> volumes = new LinkedHashMap<>();
    List<String> ids = new ArrayList<>();
    for (Dataset d : data.datasets()) {
      List<VolumeIngested> list = new ArrayList<>();
      int created = 0;
      for (DatasetCase c : d.cases()) {
        byte[] image = Files.readAllBytes(c.images().get(0));
        byte[] label = c.label().isPresent() ? Files.readAllBytes(c.label().get()) : null;
        var upload =
            stack.ingest().upload(d.id(), c.id(), "CT", d.split(), image, label, c.labelNames());
        list.add(upload.volume());
        ids.add(upload.volume().volumeId());
        created += upload.created() ? 1 : 0;
      }
      volumes.put(d.id(), list);
      out.printf(
          Locale.ROOT,
          "[ingest] %-24s %d volumes uploaded (%d new, %d already ingested)%n",
          d.id(),
          list.size(),
          created,
          list.size() - created);
    }
    Set<String> wanted = Set.copyOf(ids);
    stack
        .events()
        .awaitAll(
            VolumeIngested.class,
            v -> wanted.contains(v.volumeId()),
            VolumeIngested::volumeId,
            wanted.size(),
            Duration.ofMinutes(2),
            "VolumeIngested of every uploaded volume",
            FailureWatch.none());
    out.printf(Locale.ROOT, "[ingest] %d VolumeIngested events seen%n", wanted.size());
    return volumes;
  }

  private Map<String, TeacherModelPublished> trainTeachers(
      Stack stack, DemoData data, Map<String, List<VolumeIngested>> volumes) {
    DemoPreset p = options.preset();
    List<String> applyTo = new ArrayList<>();
    for (Dataset d : data.datasets()) {
      if (d.role() != Role.VALIDATION) {
        applyTo.add(d.id());
      }
    }
    for (String organ : DemoData.ORGANS) {
      ObjectNode spec = JSON.createObjectNode();
      spec.put("jobId", teacherJobId(organ));
      spec.put("kind", "teacher");
      spec.put("modelName", teacherId(organ));
      spec.put("modelVersion", version);
      spec.putArray("classes").add("background").add(organ);
      spec.put("modality", "CT");
      spec.putArray("datasets")
          .addObject()
          .put("id", data.organSet(organ).id())
          .put("split", "train");
      ArrayNode apply = spec.putArray("applyTo");
      applyTo.forEach(apply::add);
      network(spec.putObject("network"), p.teacherNetwork());
      budget(spec.putObject("budget"), p, p.teacherSteps(), p.teacherMinutes());
      spec.put("seed", 42);
      jobLabels.put(teacherJobId(organ), "[teachers] " + teacherId(organ));
      stack.trainer().submit(spec);
      out.printf(
          Locale.ROOT,
          "[teachers] submitted %s (%s, %s on %s)%n",
          teacherJobId(organ),
          p.teacherNetwork(),
          DemoPreset.budgetText(p.teacherSteps(), p.teacherMinutes()),
          data.organSet(organ).id());
    }
    Map<String, TeacherModelPublished> teachers = new LinkedHashMap<>();
    for (String organ : DemoData.ORGANS) {
      String jobId = teacherJobId(organ);
      TeacherModelPublished t =
          stack
              .events()
              .await(
                  TeacherModelPublished.class,
                  e -> jobId.equals(e.jobId()),
                  p.jobTimeout().multipliedBy(DemoData.ORGANS.size()),
                  "TeacherModelPublished of job " + jobId,
                  FailureWatch.jobFailed(jobId)
                      .or(FailureWatch.deadLetterOn(Topics.TRAINING_REQUESTED, jobId::equals)));
      teachers.put(organ, t);
      out.printf(
          Locale.ROOT,
          "[teachers] TeacherModelPublished %s@%s (%s)%n",
          t.teacherId(),
          t.version(),
          t.files().keySet());
    }
    return teachers;
  }

  private void awaitSoftLabels(
      Stack stack,
      DemoData data,
      Map<String, List<VolumeIngested>> volumes,
      Map<String, TeacherModelPublished> teachers) {
    Set<String> needed = new java.util.HashSet<>();
    for (Dataset d : data.datasets()) {
      if (d.role() != Role.VALIDATION) {
        volumes.get(d.id()).forEach(v -> needed.add(v.volumeId()));
      }
    }
    for (TeacherModelPublished t : teachers.values()) {
      List<TeacherOutputsProduced> outputs =
          stack
              .events()
              .awaitAll(
                  TeacherOutputsProduced.class,
                  o ->
                      t.teacherId().equals(o.teacherId())
                          && t.version().equals(o.teacherVersion())
                          && needed.contains(o.volumeId()),
                  TeacherOutputsProduced::volumeId,
                  needed.size(),
                  SOFT_LABEL_TIMEOUT,
                  "TeacherOutputsProduced of " + t.teacherId() + "@" + t.version(),
                  FailureWatch.deadLetterOn(Topics.TEACHER_MODEL_PUBLISHED, t.teacherId()::equals)
                      .or(FailureWatch.deadLetterOn(Topics.VOLUME_INGESTED, needed::contains)));
      out.printf(
          Locale.ROOT,
          "[soft labels] %s@%s: TeacherOutputsProduced for all %d volumes (%s)%n",
          t.teacherId(),
          t.version(),
          outputs.size(),
          outputs.get(0).encoding());
    }
  }

  private StudentModelPublished distil(
      Stack stack, DemoData data, Map<String, TeacherModelPublished> teachers) {
    DemoPreset p = options.preset();
    ObjectNode spec = JSON.createObjectNode();
    String jobId = studentJobId();
    spec.put("jobId", jobId);
    spec.put("kind", "distill");
    spec.put("method", "ms-kd");
    spec.put("modelName", STUDENT);
    spec.put("modelVersion", version);
    ArrayNode classes = spec.putArray("classes").add("background");
    DemoData.ORGANS.forEach(classes::add);
    spec.put("modality", "CT");
    ArrayNode datasets = spec.putArray("datasets");
    for (Dataset d : data.withRole(Role.ORGAN)) {
      datasets.addObject().put("id", d.id()).put("split", d.split());
    }
    ArrayNode pool = spec.putArray("unlabelled");
    for (Dataset d : data.withRole(Role.UNLABELLED)) {
      pool.addObject().put("id", d.id()).put("split", d.split());
    }
    ArrayNode refs = spec.putArray("teachers");
    teachers.values().forEach(t -> refs.add(t.teacherId() + "@" + t.version()));
    network(spec.putObject("network"), p.studentNetwork());
    budget(spec.putObject("budget"), p, p.studentSteps(), p.studentMinutes());
    spec.put("seed", 42);
    jobLabels.put(jobId, "[distillation] " + STUDENT);
    stack.trainer().submit(spec);
    out.printf(
        Locale.ROOT,
        "[distillation] submitted %s (ms-kd, %s, %s, teachers %s)%n",
        jobId,
        p.studentNetwork(),
        DemoPreset.budgetText(p.studentSteps(), p.studentMinutes()),
        refs);
    StudentModelPublished student =
        stack
            .events()
            .await(
                StudentModelPublished.class,
                e -> jobId.equals(e.jobId()),
                p.jobTimeout(),
                "StudentModelPublished of job " + jobId,
                FailureWatch.jobFailed(jobId)
                    .or(FailureWatch.deadLetterOn(Topics.TRAINING_REQUESTED, jobId::equals)));
    out.printf(
        Locale.ROOT,
        "[distillation] StudentModelPublished %s@%s (%s)%n",
        student.modelName(),
        student.version(),
        student.method());
    return student;
  }

  private void serve(
      Stack stack, Map<String, TeacherModelPublished> teachers, StudentModelPublished student) {
    // The teachers are served next to the student so that both go through the same REST path.
    ModelServing serving = new ModelServing(stack, SOURCE);
    teachers.values().forEach(serving::announceTeacher);
    List<String[]> models = new ArrayList<>();
    teachers.values().forEach(t -> models.add(new String[] {t.teacherId(), t.version()}));
    if (student != null) {
      models.add(new String[] {student.modelName(), student.version()});
    }
    for (String[] m : models) {
      JsonNode served = serving.awaitServed(m[0], m[1], SERVE_TIMEOUT);
      out.printf(
          Locale.ROOT,
          "[serving] %s@%s loaded by the inference-service on %s%n",
          m[0],
          m[1],
          served.path("engine").asText());
    }
  }

  private void evaluate(
      Stack stack,
      DemoData data,
      Map<String, TeacherModelPublished> teachers,
      StudentModelPublished student,
      DemoReport report)
      throws IOException {
    Dataset validation = data.withRole(Role.VALIDATION).get(0);
    report.validationCases(validation.cases().size());
    List<Served> served = new ArrayList<>();
    for (Map.Entry<String, TeacherModelPublished> e : teachers.entrySet()) {
      TeacherModelPublished t = e.getValue();
      served.add(
          new Served(
              t.teacherId(), t.version(), List.of(e.getKey()), t.outputClasses(), t.files()));
    }
    if (student != null) {
      served.add(
          new Served(
              student.modelName(),
              student.version(),
              DemoData.ORGANS,
              student.labelNames(),
              student.files()));
    }
    // One untimed request per model first: the first call of an engine session pays its set-up.
    byte[] first = Files.readAllBytes(validation.cases().get(0).images().get(0));
    for (Served s : served) {
      s.engine = stack.inference().segment(first, s.name, s.version, "labels").engine();
    }
    for (DatasetCase c : validation.cases()) {
      byte[] image = Files.readAllBytes(c.images().get(0));
      LabelVolume reference = reader.readLabels(c.label().orElseThrow(), c.labelNames());
      Map<String, int[]> truth = organMasks(reference);
      StringBuilder line = new StringBuilder();
      for (Served s : served) {
        Segmentation seg = stack.inference().segment(image, s.name, s.version, "labels");
        LabelVolume predicted = reader.readLabels(seg.body(), Map.of());
        if (!predicted.grid().matches(reference.grid(), 1e-3)) {
          throw new StackException(
              s.name
                  + " answered a label map on "
                  + predicted.grid()
                  + ", not on the input grid "
                  + reference.grid());
        }
        s.millis.add(seg.roundTrip().toNanos() / 1e6);
        for (String organ : s.organs) {
          int cls = classIndex(s.labelNames, organ);
          int[] pred = new int[predicted.grid().size()];
          for (int i = 0; i < pred.length; i++) {
            pred[i] = predicted.label(i) == cls ? 1 : 0;
          }
          double dice = DiceMetric.compute(pred, truth.get(organ), 2).of(1);
          s.dice.computeIfAbsent(organ, k -> new ArrayList<>()).add(dice);
          if (s.organs.size() == 1) {
            line.append(String.format(Locale.ROOT, " %s %.3f", organ, dice));
          }
        }
        if (s.organs.size() > 1) {
          line.append(String.format(Locale.ROOT, " | %s", s.name));
          for (String organ : s.organs) {
            List<Double> d = s.dice.get(organ);
            line.append(String.format(Locale.ROOT, " %s %.3f", organ, d.get(d.size() - 1)));
          }
        }
      }
      out.printf(Locale.ROOT, "[evaluation] %s: teachers%s%n", c.id(), line);
    }
    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      EngineThreads.configure(1);
      for (Served s : served) {
        ModelCard card =
            Checkpoint.parseCard(
                new String(
                    stack.objects().bytes(s.files.get("modelCard")), StandardCharsets.UTF_8));
        SegmentationNetwork net = card.architecture().build();
        int m = net.sizeMultiple();
        net.initialize(manager, DataType.FLOAT32, new Shape(1, 1, m, m, m));
        ObjectRef onnx = s.files.get("onnx");
        Map<String, Double> dice = new LinkedHashMap<>();
        s.dice.forEach(
            (organ, values) ->
                dice.put(
                    organ,
                    values.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN)));
        ModelResult result =
            new ModelResult(
                s.name,
                s.version,
                card.architecture().type()
                    + " w"
                    + card.architecture().baseWidth()
                    + " d"
                    + card.architecture().depth(),
                s.organs,
                net.parameterCount(),
                onnx == null ? 0 : onnx.size(),
                s.engine,
                dice,
                s.millis.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN));
        if (s.organs.size() == 1) {
          report.teacher(result);
        } else {
          report.student(result);
        }
      }
    }
  }

  /** A model the demo scores, with what it measured. */
  private static final class Served {
    final String name;
    final String version;
    final List<String> organs;
    final Map<String, String> labelNames;
    final Map<String, ObjectRef> files;
    final Map<String, List<Double>> dice = new LinkedHashMap<>();
    final List<Double> millis = new ArrayList<>();
    String engine;

    Served(
        String name,
        String version,
        List<String> organs,
        Map<String, String> labelNames,
        Map<String, ObjectRef> files) {
      this.name = name;
      this.version = version;
      this.organs = organs;
      this.labelNames = labelNames;
      this.files = files;
    }
  }

  // ---------------------------------------------------------------- helpers

  /** Binary masks of each organ in a reference label map (aliases merged, e.g. both kidneys). */
  static Map<String, int[]> organMasks(LabelVolume reference) {
    Map<String, int[]> masks = new LinkedHashMap<>();
    for (String organ : DemoData.ORGANS) {
      Set<String> names = DemoData.ORGAN_ALIASES.get(organ);
      boolean[] lookup = new boolean[LabelVolume.MAX_LABEL + 1];
      reference.names().forEach((value, name) -> lookup[value] = names.contains(name));
      int[] mask = new int[reference.grid().size()];
      for (int i = 0; i < mask.length; i++) {
        mask[i] = lookup[reference.label(i)] ? 1 : 0;
      }
      masks.put(organ, mask);
    }
    return masks;
  }

  private static int classIndex(Map<String, String> labelNames, String organ) {
    return labelNames.entrySet().stream()
        .filter(e -> organ.equals(e.getValue()))
        .map(e -> Integer.parseInt(e.getKey()))
        .findFirst()
        .orElseThrow(
            () -> new StackException("model classes " + labelNames + " do not include " + organ));
  }

  private static void network(ObjectNode node, DemoPreset.Network n) {
    node.put("name", n.name());
    node.put("baseWidth", n.baseWidth());
    node.put("depth", n.depth());
  }

  private static void budget(ObjectNode node, DemoPreset p, int steps, double minutes) {
    node.put("steps", steps);
    if (minutes > 0) {
      // The trainer plans the steps from its measured step time; steps is their cap.
      node.put("minutes", minutes);
      node.put("batchSize", p.batchSize());
      patchAndSpacing(node, p);
      node.put("stepsPerEpoch", 100);
      node.put("checkpointEvery", 100);
      node.put("progressEvery", 25);
      return;
    }
    node.put("batchSize", p.batchSize());
    patchAndSpacing(node, p);
    node.put("stepsPerEpoch", Math.max(1, steps / 4));
    // One checkpoint at the end: the demo's jobs are short, a resume would redo little.
    node.put("checkpointEvery", steps);
    node.put("progressEvery", Math.max(1, steps / 5));
  }

  private static void patchAndSpacing(ObjectNode node, DemoPreset p) {
    ArrayNode patch = node.putArray("patchSize");
    for (int v : p.patch()) {
      patch.add(v);
    }
    ArrayNode spacing = node.putArray("spacingMm");
    for (double v : p.spacingMm()) {
      spacing.add(v);
    }
  }

  /** Prints training progress and soft-label counts of this run as the events arrive. */
  private void progress(EventStream.Observed observed) {
    DistilleryEvent event = observed.event();
    if (event instanceof TrainingProgressed p && jobLabels.containsKey(p.jobId())) {
      out.println(ProgressLine.format(jobLabels.get(p.jobId()) + ":", p));
    } else if (event instanceof TeacherOutputsProduced o && version.equals(o.teacherVersion())) {
      int n = outputsSeen.merge(o.teacherId(), 1, Integer::sum);
      if (n % 5 == 0) {
        out.printf(Locale.ROOT, "[soft labels] %s: %d volumes so far%n", o.teacherId(), n);
      }
    }
  }

  private void begin(String stage) {
    stageStart = System.nanoTime();
    out.printf(Locale.ROOT, "%n--- %s ---%n", stage);
  }

  private void end(DemoReport report, String stage) {
    double seconds = (System.nanoTime() - stageStart) / 1e9;
    report.stage(stage, seconds);
    out.printf(Locale.ROOT, "--- %s: %.1f s ---%n", stage, seconds);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StackException("interrupted");
    }
  }
}
