package io.distillery.tools.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * The outcome of {@code eval --model}: per case and mean Dice, HD95 (mm) and NSD per scored class,
 * and inference time per case. Undefined values (HD95 with one mask empty) are {@code null} in JSON
 * and {@code –} in Markdown; means skip them and count them.
 *
 * @param model the model reference as given
 * @param modelName model name
 * @param modelVersion model version
 * @param engine engine that ran it ({@code OnnxRuntime}, {@code PyTorch}, …)
 * @param modelClasses the model's classes by output channel (the values of the written label maps)
 * @param dataset the dataset folder
 * @param scored whether the folder had labels to score against
 * @param scoredClasses the model classes scored
 * @param labelMap dataset label value → model class, as used
 * @param nsdToleranceMm NSD tolerance
 * @param cases per case
 * @param mean over cases (null without labels)
 * @param meanInferenceSeconds mean wall time of the pipeline per case
 * @param date when it ran (ISO-8601)
 */
public record EvalReport(
    String model,
    String modelName,
    String modelVersion,
    String engine,
    List<String> modelClasses,
    String dataset,
    boolean scored,
    List<String> scoredClasses,
    Map<String, String> labelMap,
    double nsdToleranceMm,
    List<CaseResult> cases,
    Scores mean,
    double meanInferenceSeconds,
    String date) {

  /**
   * One case.
   *
   * @param id case id
   * @param shape voxels (x, y, z) of the case's grid
   * @param spacingMm voxel spacing (x, y, z)
   * @param modality the model norm set used
   * @param inferenceSeconds wall time of pre-processing, inference and post-processing
   * @param timingsMs the pipeline's stages in ms
   * @param peakRssMb the process's peak resident memory after this case (never decreases)
   * @param scores the scores, or null without a label map
   * @param output the written label map, or null
   */
  public record CaseResult(
      String id,
      int[] shape,
      double[] spacingMm,
      String modality,
      double inferenceSeconds,
      Map<String, Double> timingsMs,
      Double peakRssMb,
      Scores scores,
      String output) {}

  /**
   * Scores per scored class (by name) and their means over classes.
   *
   * @param dice Dice per class
   * @param hd95 HD95 in mm per class (null: one of the masks empty)
   * @param nsd normalised surface Dice per class
   * @param meanDice mean Dice over classes
   * @param meanHd95 mean HD95 over classes where defined
   * @param meanNsd mean NSD over classes
   * @param hd95Undefined number of undefined HD95 values
   */
  public record Scores(
      Map<String, Double> dice,
      Map<String, Double> hd95,
      Map<String, Double> nsd,
      Double meanDice,
      Double meanHd95,
      Double meanNsd,
      int hd95Undefined) {}

  /** NaN and infinities as null (JSON has no NaN). */
  static Double finite(double v) {
    return Double.isFinite(v) ? v : null;
  }

  /** Mean over cases of each class and of the per-case means, skipping undefined values. */
  static Scores meanOf(List<Scores> all, List<String> classes) {
    Map<String, Double> dice = new LinkedHashMap<>();
    Map<String, Double> hd95 = new LinkedHashMap<>();
    Map<String, Double> nsd = new LinkedHashMap<>();
    int undefined = 0;
    for (String c : classes) {
      dice.put(c, mean(all, s -> s.dice().get(c)));
      hd95.put(c, mean(all, s -> s.hd95().get(c)));
      nsd.put(c, mean(all, s -> s.nsd().get(c)));
    }
    for (Scores s : all) {
      undefined += s.hd95Undefined();
    }
    return new Scores(
        dice,
        hd95,
        nsd,
        mean(all, Scores::meanDice),
        mean(all, Scores::meanHd95),
        mean(all, Scores::meanNsd),
        undefined);
  }

  private static Double mean(List<Scores> all, Function<Scores, Double> value) {
    double sum = 0;
    int n = 0;
    for (Scores s : all) {
      Double v = value.apply(s);
      if (v != null) {
        sum += v;
        n++;
      }
    }
    return n == 0 ? null : sum / n;
  }

  /** Writes {@code report.json} and {@code report.md} into {@code dir}. */
  public void write(Path dir) throws IOException {
    Files.createDirectories(dir);
    new ObjectMapper()
        .enable(SerializationFeature.INDENT_OUTPUT)
        .writeValue(dir.resolve("report.json").toFile(), this);
    Files.writeString(dir.resolve("report.md"), markdown());
  }

  /** The report as Markdown: what ran, then the Dice, HD95 and NSD tables. */
  public String markdown() {
    StringBuilder md = new StringBuilder();
    md.append("# eval: ").append(modelName).append('@').append(modelVersion).append("\n\n");
    md.append("- model: `").append(model).append("` (engine ").append(engine).append(")\n");
    md.append("- data: `").append(dataset).append("`, ").append(cases.size()).append(" cases\n");
    if (scored) {
      md.append("- label map (dataset label → model class): ").append(labelMap).append('\n');
      md.append(String.format(Locale.ROOT, "- NSD tolerance: %.1f mm%n", nsdToleranceMm));
    } else {
      md.append("- no labels in the folder: inference time only\n");
    }
    md.append(
        String.format(
            Locale.ROOT, "- mean inference time: %.2f s per case%n", meanInferenceSeconds));
    md.append("- date: ").append(date).append("\n\n");
    if (!scored) {
      md.append("| case | inference (s) |\n|---|---:|\n");
      for (CaseResult c : cases) {
        md.append(String.format(Locale.ROOT, "| %s | %.2f |%n", c.id(), c.inferenceSeconds()));
      }
      return md.toString();
    }
    table(md, "Dice", Scores::dice, Scores::meanDice, "%.3f", true);
    table(md, "HD95 (mm)", Scores::hd95, Scores::meanHd95, "%.1f", false);
    table(md, "NSD", Scores::nsd, Scores::meanNsd, "%.3f", false);
    if (mean.hd95Undefined() > 0) {
      md.append("HD95 undefined (one mask empty) in ")
          .append(mean.hd95Undefined())
          .append(" case-class pairs (– above; excluded from the means).\n");
    }
    return md.toString();
  }

  private void table(
      StringBuilder md,
      String title,
      Function<Scores, Map<String, Double>> perClass,
      Function<Scores, Double> overall,
      String format,
      boolean withTime) {
    md.append("### ").append(title).append("\n\n| case |");
    List<String> align = new ArrayList<>(List.of("---"));
    for (String c : scoredClasses) {
      md.append(' ').append(c).append(" |");
      align.add("---:");
    }
    md.append(" mean |");
    align.add("---:");
    if (withTime) {
      md.append(" inference (s) |");
      align.add("---:");
    }
    md.append("\n|").append(String.join("|", align)).append("|\n");
    for (CaseResult c : cases) {
      row(md, c.id(), c.scores(), perClass, overall, format);
      if (withTime) {
        md.append(String.format(Locale.ROOT, " %.2f |", c.inferenceSeconds()));
      }
      md.append('\n');
    }
    row(md, "**mean**", mean, perClass, overall, format);
    if (withTime) {
      md.append(String.format(Locale.ROOT, " %.2f |", meanInferenceSeconds));
    }
    md.append("\n\n");
  }

  private void row(
      StringBuilder md,
      String name,
      Scores s,
      Function<Scores, Map<String, Double>> perClass,
      Function<Scores, Double> overall,
      String format) {
    md.append("| ").append(name).append(" |");
    for (String c : scoredClasses) {
      md.append(' ').append(cell(perClass.apply(s).get(c), format)).append(" |");
    }
    md.append(' ').append(cell(overall.apply(s), format)).append(" |");
  }

  private static String cell(Double v, String format) {
    return v == null ? "–" : String.format(Locale.ROOT, format, v);
  }
}
