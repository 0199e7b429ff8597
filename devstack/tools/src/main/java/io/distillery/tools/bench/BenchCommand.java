package io.distillery.tools.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.distillery.phantoms.AbdominalPhantom;
import io.distillery.phantoms.Phantom;
import io.distillery.phantoms.PhantomSpec;
import io.distillery.segml.engine.EngineThreads;
import io.distillery.segpipeline.ModelOpener;
import io.distillery.segpipeline.SegmentationPipeline;
import io.distillery.tools.Command;
import io.distillery.tools.Options;
import io.distillery.tools.UsageException;
import io.distillery.tools.WorkDirectory;
import io.distillery.tools.eval.EngineOptions;
import io.distillery.tools.eval.ModelSource;
import io.distillery.tools.stack.StackInfo;
import io.distillery.volumeio.LabelVolume;
import io.distillery.volumeio.dataset.DatasetCase;
import io.distillery.volumeio.dataset.DatasetFolder;
import io.distillery.volumeio.nifti.NiftiReader;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code bench [--out DIR]}: one run of the platform's speed figures, each with its ratio — student
 * vs teacher ensemble per case and ONNX Runtime vs DJL PyTorch ({@link ModelBench}), tensor-codec
 * and NIfTI read throughput ({@link DataBench}), event latency on real Kafka ({@link EventLatency})
 * and upload → TeacherOutputsProduced on the local stack ({@link StackBench}). Prints Markdown;
 * {@code --out} also writes {@code bench.json} and {@code bench.md}.
 */
public final class BenchCommand implements Command {

  /** The sections, in output order; {@code --only} picks some. */
  static final List<String> SECTIONS = List.of("models", "codec", "nifti", "events", "stack");

  private static final Set<String> VALUED =
      Set.of(
          "out",
          "student",
          "teachers",
          "data",
          "cases",
          "reps",
          "threads",
          "windows-per-batch",
          "overlap",
          "nifti-reps",
          "events",
          "only",
          "seed");

  private final Path root;

  /** Against the stack under {@link StackInfo#root()}. */
  public BenchCommand() {
    this(StackInfo.root());
  }

  /**
   * @param root the stack root ({@code .distillery/stack.json})
   */
  public BenchCommand(Path root) {
    this.root = root;
  }

  @Override
  public void run(String[] args, PrintStream out) throws Exception {
    Options o = Options.parse(args, VALUED, Set.of());
    List<String> only =
        o.get("only")
            .map(v -> Arrays.stream(v.split(",")).map(String::trim).toList())
            .orElse(SECTIONS);
    for (String s : only) {
      if (!SECTIONS.contains(s)) {
        throw new UsageException("--only: unknown section '" + s + "'; sections are " + SECTIONS);
      }
    }
    EngineOptions engine = EngineOptions.of(o);
    int cases = o.intValue("cases", 2, 1);
    int reps = o.intValue("reps", 1, 1);
    int niftiReps = o.intValue("nifti-reps", 3, 1);
    int events = o.intValue("events", 300, 10);
    long seed = o.intValue("seed", 42, 0);
    Path outDir = o.path("out").orElse(null);
    Path data = o.directory("data").orElse(null);
    EngineThreads.configure(engine.threads());

    String date = OffsetDateTime.now().truncatedTo(ChronoUnit.SECONDS).toString();
    out.printf(
        "distillery bench, %s, %d cpus, %d engine threads%n",
        date, Runtime.getRuntime().availableProcessors(), engine.threads());
    List<BenchSection> sections = new ArrayList<>();
    try (WorkDirectory work = WorkDirectory.create("distillery-bench-")) {
      List<ModelBench.Case> inputs = null;
      LabelVolume labels = null;
      String labelSource = null;
      if (only.contains("models") || only.contains("codec")) {
        out.println("preparing cases ...");
        inputs = new ArrayList<>();
        if (data != null) {
          DatasetFolder folder = DatasetFolder.open(data);
          NiftiReader reader = NiftiReader.withDefaults();
          for (DatasetCase c : folder.cases().subList(0, Math.min(cases, folder.cases().size()))) {
            DatasetCase.Loaded loaded = c.read(reader);
            inputs.add(new ModelBench.Case(c.id(), loaded.image()));
            if (labels == null && loaded.labels().isPresent()) {
              labels = loaded.labels().get();
              labelSource = folder.name() + "/" + c.id();
            }
          }
        } else {
          for (int i = 0; i < cases; i++) {
            Phantom p = AbdominalPhantom.generate(seed + i, PhantomSpec.defaults());
            inputs.add(new ModelBench.Case("phantom_" + (seed + i), p.image()));
          }
        }
        if (labels == null) {
          // Closer to a CT's size than the default phantom grid: the codec's figures scale with it.
          PhantomSpec fine = PhantomSpec.defaults().withGrid(256, 256, 128, 1.5, 1.5, 2.0);
          labels = AbdominalPhantom.generate(seed, fine).labels();
          labelSource = "phantom seed " + seed + " (256×256×128, 1.5×1.5×2 mm)";
        }
      }
      if (only.contains("models")) {
        out.println("models: student vs teachers, ONNX Runtime vs PyTorch ...");
        ModelSource source = new ModelSource(root);
        ModelSource.Resolved student;
        List<ModelSource.Resolved> teachers = new ArrayList<>();
        if (o.has("student")) {
          student = source.resolve(o.require("student"), work.resolve("student"));
        } else {
          Path dir = BenchModels.student(work.resolve("student"), seed);
          student =
              new ModelSource.Resolved(
                  "bench-student", "default", dir, "default student (LiteUNet3d, random weights)");
        }
        if (o.has("teachers")) {
          int i = 0;
          for (String t : o.require("teachers").split(",")) {
            teachers.add(source.resolve(t.trim(), work.resolve("teacher-" + i++)));
          }
        } else {
          for (String organ : BenchModels.ORGANS) {
            Path dir = BenchModels.teacher(organ, work.resolve("teacher-" + organ), seed);
            teachers.add(
                new ModelSource.Resolved(
                    "bench-teacher-" + organ,
                    "default",
                    dir,
                    "default teacher " + organ + " (UNet3d, random weights)"));
          }
        }
        sections.addAll(new ModelBench(engine, reps, out).run(student, teachers, inputs));
        print(out, sections.get(sections.size() - 2));
        print(out, sections.get(sections.size() - 1));
      }
      if (only.contains("codec")) {
        out.println("tensor-codec ...");
        sections.add(print(out, DataBench.codec(labels, labelSource, 3)));
      }
      if (only.contains("nifti")) {
        out.println("NIfTI read ...");
        sections.add(print(out, DataBench.nifti(work.resolve("nifti"), niftiReps)));
      }
      if (only.contains("events")) {
        out.println("event latency ...");
        sections.add(print(out, EventLatency.measure(events, 20)));
      }
      if (only.contains("stack")) {
        out.println("upload → TeacherOutputsProduced ...");
        sections.add(print(out, StackBench.measure(root, System.currentTimeMillis(), work.path())));
      }
    }
    if (outDir != null) {
      Files.createDirectories(outDir);
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("date", date);
      json.put("cpus", Runtime.getRuntime().availableProcessors());
      json.put("threads", engine.threads());
      json.put("command", "bench " + String.join(" ", args));
      Map<String, Object> bySection = new LinkedHashMap<>();
      for (BenchSection s : sections) {
        bySection.put(s.title(), s.json());
      }
      json.put("sections", bySection);
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .writeValue(outDir.resolve("bench.json").toFile(), json);
      StringBuilder md = new StringBuilder("## bench\n\n");
      md.append(
          String.format(
              "`./distillery bench %s`, %s, %d cpus, %d engine threads.%n%n",
              String.join(" ", args),
              date,
              Runtime.getRuntime().availableProcessors(),
              engine.threads()));
      sections.forEach(s -> md.append(s.markdown()));
      Files.writeString(outDir.resolve("bench.md"), md);
      out.println("written: " + outDir.resolve("bench.json") + ", bench.md");
    }
  }

  private static BenchSection print(PrintStream out, BenchSection s) {
    out.println();
    out.print(s.markdown());
    return s;
  }

  @Override
  public String usage() {
    return String.join(
        "\n",
        "usage: ./distillery bench [--out DIR] [--only " + String.join(",", SECTIONS) + "]",
        "  --student REF, --teachers REF[,REF...]  models as in eval --model (default: the default",
        "                       student LiteUNet3d and four UNet3d teachers, random weights)",
        "  --data DIR           dataset folder for the cases (default: phantoms)",
        "  --cases N            cases to time (default 2)     --reps N  timed runs per case (1)",
        "  --threads N          engine threads (default " + ModelOpener.DEFAULT_THREADS + ")",
        "  --windows-per-batch N  (default " + SegmentationPipeline.DEFAULT_WINDOWS_PER_BATCH + ")",
        "  --overlap F          sliding-window overlap in [0, 1) (default the model card's)",
        "  --nifti-reps N       NIfTI read repetitions (3)   --events N  Kafka events (300)",
        "  --seed N             phantom and weight seed (42)",
        "  --out DIR            also write bench.json and bench.md");
  }
}
