package io.distillery.tools.eval;

import io.distillery.segml.engine.EngineThreads;
import io.distillery.segml.engine.InferenceEngine;
import io.distillery.segpipeline.ModelOpener;
import io.distillery.segpipeline.SegmentationModel;
import io.distillery.segpipeline.SegmentationPipeline;
import io.distillery.segpipeline.TensorRtCache;
import io.distillery.tools.Command;
import io.distillery.tools.Options;
import io.distillery.tools.UsageException;
import io.distillery.tools.WorkDirectory;
import io.distillery.tools.stack.StackInfo;
import io.distillery.volumeio.dataset.DatasetFolder;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code eval --model <ref> --data <folder> [--label-map <json>] [--out <dir>]}: any published
 * model on any dataset folder, through the inference-service's pipeline; prints the Dice / HD95 /
 * NSD tables and, with {@code --out}, writes {@code <case>.nii.gz} per case plus {@code
 * report.json} and {@code report.md}. See {@link ModelSource} for the references and {@link
 * LabelMapping} for the label map.
 */
public final class EvalCommand implements Command {

  /** Default NSD tolerance in mm [our choice; methods.md leaves it open]. */
  public static final double DEFAULT_NSD_TOLERANCE_MM = 2.0;

  private static final Set<String> VALUED =
      Set.of(
          "model",
          "data",
          "label-map",
          "out",
          "engine",
          "threads",
          "windows-per-batch",
          "overlap",
          "modality",
          "nsd-tolerance",
          "limit");

  private final Path root;

  /** Against the stack under {@link StackInfo#root()}. */
  public EvalCommand() {
    this(StackInfo.root());
  }

  /**
   * @param root the stack root ({@code .distillery/stack.json}) for S3 and name references
   */
  public EvalCommand(Path root) {
    this.root = root;
  }

  @Override
  public void run(String[] args, PrintStream out) throws Exception {
    if (args.length > 0 && !args[0].startsWith("--")) {
      throw new UsageException(
          "protocol runs (eval " + args[0] + ") are not part of this build; use eval --model");
    }
    Options o = Options.parse(args, VALUED, Set.of());
    String ref = o.require("model");
    Path dataPath = o.requireDirectory("data");
    EngineOptions engine = EngineOptions.of(o);
    double tolerance = o.doubleValue("nsd-tolerance", DEFAULT_NSD_TOLERANCE_MM);
    int limit = o.intValue("limit", Integer.MAX_VALUE, 1);
    Path outDir = o.path("out").orElse(null);
    Map<String, String> explicit = o.get("label-map").map(LabelMapping::read).orElse(null);
    var engines = parseEngines(o.get("engine").orElse(ModelOpener.DEFAULT_ENGINE_ORDER));

    DatasetFolder data = DatasetFolder.open(dataPath);
    if (data.cases().isEmpty()) {
      throw new UsageException("--data " + dataPath + " has no cases");
    }
    try (WorkDirectory work = WorkDirectory.create("distillery-eval-")) {
      ModelSource.Resolved resolved = new ModelSource(root).resolve(ref, work.resolve("model"));
      EngineThreads.configure(engine.threads());
      ModelOpener opener =
          new ModelOpener(
              engines,
              engine.threads(),
              engine.windowsPerBatch(),
              new TensorRtCache(work.resolve("trt")));
      try (SegmentationModel model =
          opener.open(resolved.name(), resolved.version(), resolved.directory())) {
        boolean labelled = data.cases().stream().anyMatch(c -> c.label().isPresent());
        LabelMapping mapping = null;
        if (labelled) {
          mapping = LabelMapping.of(explicit, data.labelNames(), model.card().labelNames());
        } else if (explicit != null) {
          out.println("no labels in " + dataPath + ": --label-map ignored, inference time only");
        }
        out.printf(
            "eval %s@%s (%s, engine %s) on %s: %d cases%s%n",
            model.name(),
            model.version(),
            resolved.location(),
            model.engine().djlName(),
            data.name(),
            Math.min(limit, data.cases().size()),
            mapping == null ? "" : ", label map " + mapping.datasetLabelToClass());
        EvalReport report =
            new ModelEvaluation(engine.pipeline(), tolerance)
                .run(model, ref, data, mapping, outDir, o.get("modality").orElse(null), limit, out);
        out.println();
        out.print(report.markdown());
        if (outDir != null) {
          report.write(outDir);
          out.println("written: " + outDir.resolve("report.json") + ", report.md, <case>.nii.gz");
        }
      }
    }
  }

  private static List<InferenceEngine> parseEngines(String names) {
    try {
      return ModelOpener.parseOrder(names);
    } catch (IllegalArgumentException e) {
      throw new UsageException("--engine: " + e.getMessage());
    }
  }

  @Override
  public String usage() {
    return String.join(
        "\n",
        "usage: ./distillery eval --model <ref> --data <dataset folder> [--label-map <json>]"
            + " [--out <dir>]",
        "  --model REF          a model directory (model-card.json, model.params, model.onnx),",
        "                       s3://<bucket>/models/<name>/<version>, or <name>[:<version>] of",
        "                       the local stack (latest version when omitted)",
        "  --data DIR           nnU-Net v2 / Decathlon dataset folder; scored when it has labels",
        "  --label-map JSON     file or inline JSON: dataset label (value or name) -> model class,",
        "                       e.g. {\"6\": \"liver\", \"2\": \"kidney\", \"3\": \"kidney\"};",
        "                       default: labels whose names equal model class names",
        "  --out DIR            write <case>.nii.gz (model class values, the case's own grid),",
        "                       report.json and report.md",
        "  --engine LIST        engine preference (default "
            + ModelOpener.DEFAULT_ENGINE_ORDER
            + ")",
        "  --threads N          intra-op threads (default " + ModelOpener.DEFAULT_THREADS + ")",
        "  --windows-per-batch N  sliding windows per engine call (default "
            + SegmentationPipeline.DEFAULT_WINDOWS_PER_BATCH
            + ")",
        "  --overlap F          sliding-window overlap in [0, 1) (default the model card's)",
        "  --modality M         norm set of the model (default: the case's modality, else first)",
        "  --nsd-tolerance MM   NSD tolerance (default " + DEFAULT_NSD_TOLERANCE_MM + ")",
        "  --limit N            only the first N cases");
  }
}
