package io.distillery.tools.demo;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a demo run measured, and the table it prints: per-organ Dice of each teacher and of the
 * student on the validation set, model sizes and inference time per case, and the time per stage.
 */
public final class DemoReport {

  /**
   * One served model's results.
   *
   * @param name model name
   * @param version its version
   * @param network architecture, e.g. {@code UNet3d w8 d3}
   * @param organs the organs it segments (one for a teacher, all for the student)
   * @param parameters trainable parameters
   * @param onnxBytes size of the ONNX file the inference-service runs
   * @param engine engine that served it
   * @param dice organ to mean Dice over the validation cases
   * @param msPerCase mean round trip of {@code POST /api/v1/segment} per validation case
   */
  public record ModelResult(
      String name,
      String version,
      String network,
      List<String> organs,
      long parameters,
      long onnxBytes,
      String engine,
      Map<String, Double> dice,
      double msPerCase) {}

  private final String title;
  private final Map<String, Double> stageSeconds = new LinkedHashMap<>();
  private final List<ModelResult> teachers = new ArrayList<>();
  private ModelResult student;
  private String studentFailure;
  private int validationCases;

  public DemoReport(String title) {
    this.title = title;
  }

  /** Records the wall time of a stage (stages print in the order they were first recorded). */
  public void stage(String name, double seconds) {
    stageSeconds.merge(name, seconds, Double::sum);
  }

  public Map<String, Double> stageSeconds() {
    return Map.copyOf(stageSeconds);
  }

  public void teacher(ModelResult result) {
    teachers.add(result);
  }

  public List<ModelResult> teachers() {
    return List.copyOf(teachers);
  }

  public void student(ModelResult result) {
    this.student = result;
  }

  public ModelResult student() {
    return student;
  }

  /** The student could not be produced or scored; the table says why. */
  public void studentFailed(String reason) {
    this.studentFailure = reason;
  }

  public String studentFailure() {
    return studentFailure;
  }

  public void validationCases(int n) {
    this.validationCases = n;
  }

  /** Prints the whole table. */
  public void print(PrintStream out) {
    out.println();
    out.println("=== " + title + " ===");
    out.println();
    out.printf(
        Locale.ROOT,
        "Dice per organ on the validation set (%d cases, input grid)%n",
        validationCases);
    String row = "%-24s %8s %8s %8s %9s %8s%n";
    out.printf(Locale.ROOT, row, "model", "liver", "spleen", "kidney", "pancreas", "mean");
    for (ModelResult t : teachers) {
      out.printf(Locale.ROOT, row, diceCells(t.name() + "@" + t.version(), t.dice()));
    }
    Map<String, Double> best = new LinkedHashMap<>();
    for (ModelResult t : teachers) {
      best.putAll(t.dice());
    }
    out.printf(Locale.ROOT, row, diceCells("4 teachers (own organ)", best));
    if (student != null) {
      out.printf(
          Locale.ROOT, row, diceCells(student.name() + "@" + student.version(), student.dice()));
    }
    if (studentFailure != null) {
      out.println("student: FAILED - " + studentFailure);
    }
    out.println();
    out.println("Model size and inference per case (POST /api/v1/segment round trip, mean)");
    String size = "%-24s %-18s %12s %12s %12s  %s%n";
    out.printf(Locale.ROOT, size, "model", "network", "params", "onnx bytes", "ms/case", "engine");
    long params = 0;
    long bytes = 0;
    double ms = 0;
    for (ModelResult t : teachers) {
      out.printf(
          Locale.ROOT,
          size,
          t.name(),
          t.network(),
          t.parameters(),
          t.onnxBytes(),
          String.format(Locale.ROOT, "%.0f", t.msPerCase()),
          t.engine());
      params += t.parameters();
      bytes += t.onnxBytes();
      ms += t.msPerCase();
    }
    out.printf(
        Locale.ROOT,
        size,
        "4 teachers (sum)",
        "",
        params,
        bytes,
        String.format(Locale.ROOT, "%.0f", ms),
        "");
    if (student != null) {
      out.printf(
          Locale.ROOT,
          size,
          student.name(),
          student.network(),
          student.parameters(),
          student.onnxBytes(),
          String.format(Locale.ROOT, "%.0f", student.msPerCase()),
          student.engine());
      if (params > 0 && bytes > 0 && ms > 0) {
        out.printf(
            Locale.ROOT,
            size,
            "student / 4 teachers",
            "",
            String.format(Locale.ROOT, "%.3fx", student.parameters() / (double) params),
            String.format(Locale.ROOT, "%.3fx", student.onnxBytes() / (double) bytes),
            String.format(Locale.ROOT, "%.3fx", student.msPerCase() / ms),
            "");
      }
    }
    out.println();
    out.println("Time per stage");
    double total = 0;
    for (Map.Entry<String, Double> e : stageSeconds.entrySet()) {
      out.printf(Locale.ROOT, "%-24s %8.1f s%n", e.getKey(), e.getValue());
      total += e.getValue();
    }
    out.printf(Locale.ROOT, "%-24s %8.1f s%n", "total", total);
  }

  private static Object[] diceCells(String name, Map<String, Double> dice) {
    Object[] cells = new Object[6];
    cells[0] = name;
    double sum = 0;
    int n = 0;
    for (int i = 0; i < DemoData.ORGANS.size(); i++) {
      Double d = dice.get(DemoData.ORGANS.get(i));
      cells[i + 1] = d == null ? "-" : String.format(Locale.ROOT, "%.3f", d);
      if (d != null && !d.isNaN()) {
        sum += d;
        n++;
      }
    }
    cells[5] = n == 0 ? "-" : String.format(Locale.ROOT, "%.3f", sum / n);
    return cells;
  }
}
