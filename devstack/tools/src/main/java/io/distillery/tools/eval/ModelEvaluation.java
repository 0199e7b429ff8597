package io.distillery.tools.eval;

import io.distillery.segml.bench.NetworkBenchmark;
import io.distillery.segml.metrics.ClassScores;
import io.distillery.segml.metrics.DiceMetric;
import io.distillery.segml.metrics.HausdorffDistance95Metric;
import io.distillery.segml.metrics.SurfaceDiceMetric;
import io.distillery.segml.metrics.VoxelGrid;
import io.distillery.segpipeline.SegmentationModel;
import io.distillery.segpipeline.SegmentationPipeline;
import io.distillery.segpipeline.SegmentationResult;
import io.distillery.tools.eval.EvalReport.CaseResult;
import io.distillery.tools.eval.EvalReport.Scores;
import io.distillery.volumeio.Grid;
import io.distillery.volumeio.dataset.DatasetCase;
import io.distillery.volumeio.dataset.DatasetFolder;
import io.distillery.volumeio.nifti.NiftiReader;
import io.distillery.volumeio.nifti.NiftiWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Runs a model over a dataset folder through the inference-service's own {@link
 * SegmentationPipeline} and scores each case on its own grid (original resolution and voxel order):
 * Dice, HD95 and NSD per scored class from seg-ml's metrics, with physical spacing.
 */
public final class ModelEvaluation {

  private final SegmentationPipeline pipeline;
  private final double nsdToleranceMm;

  /**
   * @param pipeline the pipeline (windows per batch as the service's)
   * @param nsdToleranceMm tolerance of the normalised surface Dice
   */
  public ModelEvaluation(SegmentationPipeline pipeline, double nsdToleranceMm) {
    this.pipeline = pipeline;
    this.nsdToleranceMm = nsdToleranceMm;
  }

  /**
   * Evaluates {@code model} on the cases of {@code data}.
   *
   * @param ref the model reference, for the report
   * @param mapping how to score; null when the folder has no labels (inference time only)
   * @param out where to write {@code <case>.nii.gz} label maps, or null
   * @param modality the model norm set to use; null picks the case's modality when the model has
   *     it, else the model's first
   * @param limit at most this many cases (the first ones)
   * @param progress one line per case
   */
  public EvalReport run(
      SegmentationModel model,
      String ref,
      DatasetFolder data,
      LabelMapping mapping,
      Path out,
      String modality,
      int limit,
      PrintStream progress)
      throws IOException {
    NiftiReader reader = NiftiReader.withDefaults();
    List<CaseResult> results = new ArrayList<>();
    List<Scores> scores = new ArrayList<>();
    List<DatasetCase> cases = data.cases().subList(0, Math.min(limit, data.cases().size()));
    if (out != null) {
      Files.createDirectories(out);
    }
    double totalSeconds = 0;
    for (DatasetCase c : cases) {
      DatasetCase.Loaded loaded = c.read(reader);
      String m = modality;
      if (m == null) {
        String caseModality = c.modalities().get(0).name();
        m = model.modalities().contains(caseModality) ? caseModality : null;
      }
      long t0 = System.nanoTime();
      SegmentationResult result = pipeline.run(loaded.image(), model, m, false);
      double seconds = (System.nanoTime() - t0) / 1e9;
      totalSeconds += seconds;
      Scores s = null;
      if (mapping != null && loaded.labels().isPresent()) {
        s =
            score(
                mapping.prediction(result.labels().data()),
                mapping.reference(loaded.labels().get().data()),
                loaded.image().grid(),
                mapping.scoredClasses());
        scores.add(s);
      }
      String written = null;
      if (out != null) {
        Path file = out.resolve(c.id() + ".nii.gz");
        NiftiWriter.write(result.labels(), file);
        written = file.toString();
      }
      Grid g = loaded.image().grid();
      CaseResult r =
          new CaseResult(
              c.id(),
              new int[] {g.nx(), g.ny(), g.nz()},
              g.spacing(),
              result.modality(),
              seconds,
              result.timingsMs(),
              peakRssMb(),
              s,
              written);
      results.add(r);
      progress.println(line(r, mapping));
    }
    boolean scored = mapping != null && !scores.isEmpty();
    Map<String, String> labelMap = new LinkedHashMap<>();
    if (mapping != null) {
      mapping.datasetLabelToClass().forEach((k, v) -> labelMap.put(Integer.toString(k), v));
    }
    return new EvalReport(
        ref,
        model.name(),
        model.version(),
        model.engine().djlName(),
        model.card().labelNames(),
        data.root().toString(),
        scored,
        mapping == null ? List.of() : mapping.scoredClasses(),
        labelMap,
        nsdToleranceMm,
        results,
        scored ? EvalReport.meanOf(scores, mapping.scoredClasses()) : null,
        results.isEmpty() ? 0 : totalSeconds / results.size(),
        OffsetDateTime.now().truncatedTo(ChronoUnit.SECONDS).toString());
  }

  /** Scores in the compact class space (0 background, 1..K the scored classes). */
  Scores score(int[] prediction, int[] reference, Grid grid, List<String> classes) {
    double[] s = grid.spacing();
    // Metrics index D×H×W with W fastest: the volume's z, y, x (x fastest).
    VoxelGrid voxels =
        new VoxelGrid(grid.nz(), grid.ny(), grid.nx(), new double[] {s[2], s[1], s[0]});
    int k = classes.size() + 1;
    ClassScores dice = DiceMetric.compute(prediction, reference, k);
    ClassScores hd95 = HausdorffDistance95Metric.compute(prediction, reference, k, voxels);
    ClassScores nsd = SurfaceDiceMetric.compute(prediction, reference, k, voxels, nsdToleranceMm);
    return new Scores(
        byName(dice, classes),
        byName(hd95, classes),
        byName(nsd, classes),
        EvalReport.finite(dice.mean()),
        EvalReport.finite(hd95.mean()),
        EvalReport.finite(nsd.mean()),
        hd95.nanCount());
  }

  private static Map<String, Double> byName(ClassScores scores, List<String> classes) {
    Map<String, Double> out = new LinkedHashMap<>();
    for (int c = 0; c < classes.size(); c++) {
      out.put(classes.get(c), EvalReport.finite(scores.of(c + 1)));
    }
    return out;
  }

  private static String line(CaseResult r, LabelMapping mapping) {
    StringBuilder b =
        new StringBuilder(
            String.format(Locale.ROOT, "%-24s %7.2f s", r.id(), r.inferenceSeconds()));
    if (r.scores() != null) {
      b.append(
          String.format(
              Locale.ROOT,
              "  Dice %s  HD95 %s mm  NSD %s",
              fmt(r.scores().meanDice(), "%.3f"),
              fmt(r.scores().meanHd95(), "%.1f"),
              fmt(r.scores().meanNsd(), "%.3f")));
    } else if (mapping != null) {
      b.append("  (no label: not scored)");
    }
    return b.toString();
  }

  private static String fmt(Double v, String format) {
    return v == null ? "–" : String.format(Locale.ROOT, format, v);
  }

  private static Double peakRssMb() {
    try {
      return NetworkBenchmark.procStatusKb("VmHWM:") / 1024.0;
    } catch (IOException | RuntimeException e) {
      return null; // not Linux: the report leaves it out
    }
  }
}
