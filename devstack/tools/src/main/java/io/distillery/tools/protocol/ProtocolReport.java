package io.distillery.tools.protocol;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.imageio.ImageIO;

/**
 * What a protocol run measured, and its files: {@code report.json} (everything, per case), {@code
 * report.md} (the tables), {@code dice.png} (mean Dice per organ and arm) and {@code
 * training-curves.png} (loss per step of every job, from its {@code TrainingProgressed} events).
 *
 * @param protocol the protocol's name
 * @param title what it compares
 * @param command the command line that produced it
 * @param startedAt when the run started (UTC, ISO-8601)
 * @param seed the seed of the jobs
 * @param budget the budget as given and resolved
 * @param wallSeconds the run's wall time, ingestion to last score
 * @param validation dataset id/split of the scored cases
 * @param validationCases the scored case ids
 * @param organLabels class name → label values in the validation files
 * @param nsdToleranceMm NSD tolerance
 * @param arms one entry per training job
 * @param notRun arms not run, with the reason
 */
public record ProtocolReport(
    String protocol,
    String title,
    String command,
    String startedAt,
    long seed,
    String budget,
    double wallSeconds,
    String validation,
    List<String> validationCases,
    Map<String, Set<Integer>> organLabels,
    double nsdToleranceMm,
    List<Arm> arms,
    List<String> notRun) {

  /**
   * One training job and the scores of its model.
   *
   * @param key the arm's short name
   * @param arm what it is
   * @param jobId the trainer job (of the reused teacher's original job when reused)
   * @param method kind/method
   * @param model published model name
   * @param version published version
   * @param network the network spec (JSON)
   * @param steps the step budget
   * @param status SUCCEEDED, REUSED ..., FAILED: reason
   * @param trainSeconds wall time from submission (or queue) to publication, null when reused
   * @param scores organ → per-case scores
   * @param meanSegmentMillis mean {@code POST /api/v1/segment} round trip per case
   * @param curve loss per step
   */
  public record Arm(
      String key,
      String arm,
      String jobId,
      String method,
      String model,
      String version,
      String network,
      int steps,
      String status,
      Double trainSeconds,
      Map<String, List<CaseScore>> scores,
      Double meanSegmentMillis,
      List<CurvePoint> curve) {

    /** Mean of one metric ({@code dice}, {@code hd95}, {@code nsd}) of {@code organ}, NaN-free. */
    public double mean(String organ, String metric) {
      List<CaseScore> list = scores.get(organ);
      if (list == null) {
        return Double.NaN;
      }
      return list.stream()
          .mapToDouble(
              s ->
                  switch (metric) {
                    case "dice" -> s.dice();
                    case "hd95" -> s.hd95();
                    default -> s.nsd();
                  })
          .filter(v -> !Double.isNaN(v))
          .average()
          .orElse(Double.NaN);
    }
  }

  /** One case's scores of one organ (HD95 in mm; NaN when one mask is empty). */
  public record CaseScore(String caseId, double dice, double hd95, double nsd) {}

  /** A point of a training curve. */
  public record CurvePoint(long step, double loss) {}

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  // Both charts: the image size, the plot area's origin and size, and where the legend starts.
  private static final int WIDTH = 900;
  private static final int HEIGHT = 500;
  private static final int LEFT = 60;
  private static final int TOP = 40;
  private static final int PLOT_W = WIDTH - LEFT - 220;
  private static final int PLOT_H = HEIGHT - TOP - 60;
  private static final int LEGEND_X = WIDTH - 220 + 15;

  private static final Color[] PALETTE = {
    new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728),
    new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f),
    new Color(0xbcbd22), new Color(0x17becf)
  };

  /** Organs scored by any arm, in first-seen order. */
  public List<String> organs() {
    Set<String> out = new LinkedHashSet<>();
    arms.forEach(a -> out.addAll(a.scores().keySet()));
    return new ArrayList<>(out);
  }

  /** Writes report.json, report.md, dice.png and training-curves.png into {@code dir}. */
  public void write(Path dir) throws IOException {
    Files.createDirectories(dir);
    // NaN is not JSON (Jackson quotes it): HD95 of an empty prediction is written as null.
    String json = JSON.writeValueAsString(this).replace("\"NaN\"", "null");
    Files.writeString(dir.resolve("report.json"), json, StandardCharsets.UTF_8);
    Files.writeString(dir.resolve("report.md"), markdown(), StandardCharsets.UTF_8);
    ImageIO.write(diceBars(), "png", dir.resolve("dice.png").toFile());
    ImageIO.write(curves(), "png", dir.resolve("training-curves.png").toFile());
  }

  /** Prints the table. */
  public void print(PrintStream out) {
    out.println();
    out.print(markdown());
  }

  /** The report as Markdown: settings, the score table, jobs, arms not run. */
  public String markdown() {
    StringBuilder b = new StringBuilder();
    List<String> organs = organs();
    b.append("## ").append(protocol).append(": ").append(title).append("\n\n");
    b.append("- command: `").append(command).append("`\n");
    b.append("- started: ")
        .append(startedAt)
        .append(String.format(Locale.ROOT, ", wall time %.1f min%n", wallSeconds / 60));
    b.append("- budget: ").append(budget).append(", seed ").append(seed).append('\n');
    b.append("- scored: ")
        .append(validation)
        .append(' ')
        .append(validationCases)
        .append(", label values ")
        .append(organLabels)
        .append(String.format(Locale.ROOT, ", NSD at %.1f mm%n%n", nsdToleranceMm));
    b.append("Mean over cases: Dice / HD95 (mm) / NSD per organ.\n\n| arm | model |");
    organs.forEach(o -> b.append(' ').append(o).append(" |"));
    b.append(" mean Dice |\n|---|---|");
    organs.forEach(o -> b.append("---|"));
    b.append("---|\n");
    for (Arm a : arms) {
      b.append("| ")
          .append(a.key())
          .append(" | ")
          .append(a.model())
          .append('@')
          .append(a.version())
          .append(" |");
      double sum = 0;
      int n = 0;
      for (String o : organs) {
        double d = a.mean(o, "dice");
        if (Double.isNaN(d)) {
          b.append(" – |");
        } else {
          b.append(
              String.format(
                  Locale.ROOT, " %.3f / %s / %.3f |", d, fmt(a.mean(o, "hd95")), a.mean(o, "nsd")));
          sum += d;
          n++;
        }
      }
      b.append(n == 0 ? " – |" : String.format(Locale.ROOT, " %.3f |", sum / n)).append('\n');
    }
    b.append("\n| arm | what | method | network | steps | status | train s | segment ms/case |\n");
    b.append("|---|---|---|---|---|---|---|---|\n");
    for (Arm a : arms) {
      b.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | %s | `%s` | %d | %s | %s | %s |%n",
              a.key(),
              a.arm(),
              a.method(),
              a.network(),
              a.steps(),
              a.status().replace("|", "/"),
              a.trainSeconds() == null ? "–" : String.format(Locale.ROOT, "%.0f", a.trainSeconds()),
              a.meanSegmentMillis() == null
                  ? "–"
                  : String.format(Locale.ROOT, "%.0f", a.meanSegmentMillis())));
    }
    if (!notRun.isEmpty()) {
      b.append("\nNot run:\n");
      notRun.forEach(r -> b.append("- ").append(r).append('\n'));
    }
    return b.toString();
  }

  private static String fmt(double v) {
    return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%.1f", v);
  }

  // ---------------------------------------------------------------- plots (Java2D)

  BufferedImage diceBars() {
    List<String> organs = organs();
    List<Arm> scored = arms.stream().filter(a -> !a.scores().isEmpty()).toList();
    BufferedImage img = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = canvas(img, protocol + ": mean Dice per organ");
    axes(g, LEFT, TOP, PLOT_W, PLOT_H, 0, 1, "Dice");
    int groups = Math.max(1, organs.size());
    double groupW = PLOT_W / (double) groups;
    double barW = groupW * 0.8 / Math.max(1, scored.size());
    for (int oi = 0; oi < organs.size(); oi++) {
      double gx = LEFT + oi * groupW + groupW * 0.1;
      for (int ai = 0; ai < scored.size(); ai++) {
        double d = scored.get(ai).mean(organs.get(oi), "dice");
        if (Double.isNaN(d)) {
          continue;
        }
        int bh = (int) Math.round(d * PLOT_H);
        g.setColor(PALETTE[ai % PALETTE.length]);
        g.fillRect((int) (gx + ai * barW), TOP + PLOT_H - bh, Math.max(1, (int) barW - 2), bh);
      }
      g.setColor(Color.BLACK);
      g.drawString(organs.get(oi), (int) (gx + groupW * 0.3), TOP + PLOT_H + 20);
    }
    legend(g, LEGEND_X, TOP, scored.stream().map(Arm::key).toList());
    g.dispose();
    return img;
  }

  BufferedImage curves() {
    List<Arm> withCurve = arms.stream().filter(a -> !a.curve().isEmpty()).toList();
    BufferedImage img = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = canvas(img, protocol + ": training loss (TrainingProgressed)");
    double maxStep = 1;
    double maxLoss = 0;
    for (Arm a : withCurve) {
      for (CurvePoint p : a.curve()) {
        maxStep = Math.max(maxStep, p.step());
        if (Double.isFinite(p.loss())) {
          maxLoss = Math.max(maxLoss, p.loss());
        }
      }
    }
    maxLoss = maxLoss <= 0 ? 1 : maxLoss * 1.05;
    axes(g, LEFT, TOP, PLOT_W, PLOT_H, 0, maxLoss, "loss");
    g.drawString("step (max " + (long) maxStep + ")", LEFT + PLOT_W / 2 - 40, TOP + PLOT_H + 40);
    g.setStroke(new BasicStroke(2f));
    for (int ai = 0; ai < withCurve.size(); ai++) {
      g.setColor(PALETTE[ai % PALETTE.length]);
      int px = -1;
      int py = -1;
      for (CurvePoint p : withCurve.get(ai).curve()) {
        if (!Double.isFinite(p.loss())) {
          continue;
        }
        int x = LEFT + (int) Math.round(p.step() / maxStep * PLOT_W);
        int y = TOP + PLOT_H - (int) Math.round(p.loss() / maxLoss * PLOT_H);
        if (px >= 0) {
          g.drawLine(px, py, x, y);
        }
        g.fillOval(x - 2, y - 2, 5, 5);
        px = x;
        py = y;
      }
    }
    legend(g, LEGEND_X, TOP, withCurve.stream().map(Arm::key).toList());
    g.dispose();
    return img;
  }

  private static Graphics2D canvas(BufferedImage img, String title) {
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, img.getWidth(), img.getHeight());
    g.setColor(Color.BLACK);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
    g.drawString(title, LEFT, 25);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    return g;
  }

  private static void axes(
      Graphics2D g, int left, int top, int w, int h, double lo, double hi, String label) {
    g.setColor(Color.BLACK);
    g.drawLine(left, top, left, top + h);
    g.drawLine(left, top + h, left + w, top + h);
    for (int i = 0; i <= 5; i++) {
      int y = top + h - i * h / 5;
      g.setColor(new Color(0xdddddd));
      g.drawLine(left + 1, y, left + w, y);
      g.setColor(Color.BLACK);
      g.drawString(String.format(Locale.ROOT, "%.2f", lo + (hi - lo) * i / 5), 10, y + 4);
    }
    g.drawString(label, 10, top - 8);
  }

  private static void legend(Graphics2D g, int x, int y, List<String> names) {
    for (int i = 0; i < names.size(); i++) {
      g.setColor(PALETTE[i % PALETTE.length]);
      g.fillRect(x, y + i * 20, 14, 14);
      g.setColor(Color.BLACK);
      g.drawString(names.get(i), x + 20, y + i * 20 + 12);
    }
  }
}
