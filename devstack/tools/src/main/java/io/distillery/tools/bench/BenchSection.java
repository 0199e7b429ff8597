package io.distillery.tools.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One part of the bench output: a title, a Markdown table (header and rows), notes, and the same
 * figures as JSON values. A skipped section has only its reason.
 */
public final class BenchSection {

  private final String title;
  private final List<String> header;
  private final List<List<String>> rows = new ArrayList<>();
  private final List<String> notes = new ArrayList<>();
  private final Map<String, Object> values = new LinkedHashMap<>();
  private String skipped;

  /**
   * @param title section title
   * @param header column names of the table
   */
  public BenchSection(String title, String... header) {
    this.title = title;
    this.header = List.of(header);
  }

  /** Adds a table row (cells already formatted). */
  public BenchSection row(String... cells) {
    rows.add(List.of(cells));
    return this;
  }

  /** Adds a line under the table. */
  public BenchSection note(String note) {
    notes.add(note);
    return this;
  }

  /** Records a figure for the JSON output. */
  public BenchSection value(String key, Object value) {
    values.put(key, value);
    return this;
  }

  /** Marks the section skipped, with the reason printed instead of the table. */
  public BenchSection skip(String reason) {
    this.skipped = reason;
    return this;
  }

  public String title() {
    return title;
  }

  /** The JSON view: figures, notes, or the reason it was skipped. */
  public Map<String, Object> json() {
    Map<String, Object> out = new LinkedHashMap<>();
    if (skipped != null) {
      out.put("skipped", skipped);
      return out;
    }
    out.putAll(values);
    if (!notes.isEmpty()) {
      out.put("notes", notes);
    }
    return out;
  }

  /** The Markdown view. */
  public String markdown() {
    StringBuilder md = new StringBuilder("### ").append(title).append("\n\n");
    if (skipped != null) {
      return md.append("skipped: ").append(skipped).append("\n\n").toString();
    }
    if (!header.isEmpty()) {
      md.append("| ").append(String.join(" | ", header)).append(" |\n|");
      for (int i = 0; i < header.size(); i++) {
        md.append(i == 0 ? "---|" : "---:|");
      }
      md.append('\n');
      for (List<String> r : rows) {
        md.append("| ").append(String.join(" | ", r)).append(" |\n");
      }
      md.append('\n');
    }
    for (String n : notes) {
      md.append(n).append("\n");
    }
    return md.append('\n').toString();
  }

  /** {@code %.3f}-style formatting in the root locale. */
  static String f(String format, Object... args) {
    return String.format(Locale.ROOT, format, args);
  }
}
