package io.distillery.tools.eval;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.distillery.tools.UsageException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * How a dataset's label values are scored against a model's classes. The {@code --label-map} JSON
 * is one object whose keys are dataset labels, as a value ({@code "6"}) or as a name from the
 * dataset's {@code dataset.json} ({@code "liver"}), and whose values are model class names from the
 * model card's {@code labelNames}:
 *
 * <pre>{@code
 * {"6": "liver", "1": "spleen", "2": "kidney", "3": "kidney", "11": "pancreas"}
 * }</pre>
 *
 * Several dataset labels may map to one class (both kidneys to {@code kidney}). Dataset labels that
 * are not listed count as background; model classes that no dataset label maps to are not scored
 * (their predictions count as background too). Without {@code --label-map}, every dataset label
 * whose name equals a model class name (ignoring case) is mapped to it.
 *
 * <p>Scoring runs in a compact class space: 0 = background, 1..K = the scored model classes in the
 * model's class order.
 */
public final class LabelMapping {

  private final List<String> scoredClasses;
  private final int[] datasetToScored;
  private final int[] modelToScored;
  private final SortedMap<Integer, String> datasetLabelToClass;

  private LabelMapping(
      List<String> scoredClasses,
      int[] datasetToScored,
      int[] modelToScored,
      SortedMap<Integer, String> datasetLabelToClass) {
    this.scoredClasses = List.copyOf(scoredClasses);
    this.datasetToScored = datasetToScored;
    this.modelToScored = modelToScored;
    this.datasetLabelToClass = datasetLabelToClass;
  }

  /**
   * Reads {@code --label-map}: a JSON file, or the JSON itself when it starts with <code>{</code>.
   *
   * @throws UsageException when it cannot be read or is not a JSON object of strings
   */
  public static Map<String, String> read(String argument) {
    String json;
    if (argument.trim().startsWith("{")) {
      json = argument;
    } else {
      try {
        json = Files.readString(Path.of(argument));
      } catch (IOException e) {
        throw new UsageException("--label-map " + argument + ": cannot read the file: " + e);
      }
    }
    JsonNode node;
    try {
      node = new ObjectMapper().readTree(json);
    } catch (JacksonException e) {
      throw new UsageException("--label-map: invalid JSON: " + e.getOriginalMessage());
    }
    if (node == null || !node.isObject()) {
      throw new UsageException(
          "--label-map must be a JSON object of dataset label → model class, e.g. {\"6\": \"liver\"}");
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      if (!e.getValue().isTextual()) {
        throw new UsageException(
            "--label-map: the value of \""
                + e.getKey()
                + "\" must be a model class name (a string), got "
                + e.getValue());
      }
      out.put(e.getKey(), e.getValue().asText());
    }
    return out;
  }

  /**
   * Builds the mapping.
   *
   * @param explicit the {@code --label-map} entries, or null for matching names
   * @param datasetLabels the dataset's label value → name ({@code dataset.json})
   * @param modelClasses the model's class names by output channel, background first
   * @throws UsageException naming the entry and the valid choices on any mismatch
   */
  public static LabelMapping of(
      Map<String, String> explicit,
      SortedMap<Integer, String> datasetLabels,
      List<String> modelClasses) {
    SortedMap<Integer, String> toClass = new TreeMap<>();
    if (explicit == null) {
      for (Map.Entry<Integer, String> d : datasetLabels.entrySet()) {
        if (d.getKey() == 0) {
          continue;
        }
        for (int c = 1; c < modelClasses.size(); c++) {
          if (modelClasses.get(c).equalsIgnoreCase(d.getValue())) {
            toClass.put(d.getKey(), modelClasses.get(c));
          }
        }
      }
      if (toClass.isEmpty()) {
        throw new UsageException(
            "no dataset label name matches a model class; give --label-map (dataset labels "
                + datasetLabels
                + ", model classes "
                + modelClasses
                + ")");
      }
    } else {
      for (Map.Entry<String, String> e : explicit.entrySet()) {
        int value = datasetLabel(e.getKey(), datasetLabels);
        if (!modelClasses.contains(e.getValue())) {
          throw new UsageException(
              "--label-map: \""
                  + e.getValue()
                  + "\" (for dataset label "
                  + e.getKey()
                  + ") is not a class of the model; its classes are "
                  + modelClasses);
        }
        if (value == 0 && !e.getValue().equals(modelClasses.get(0))) {
          throw new UsageException(
              "--label-map: dataset label 0 is background and cannot be scored as \""
                  + e.getValue()
                  + "\"");
        }
        toClass.put(value, e.getValue());
      }
    }
    List<String> scored = new ArrayList<>();
    for (int c = 1; c < modelClasses.size(); c++) {
      if (toClass.containsValue(modelClasses.get(c))) {
        scored.add(modelClasses.get(c));
      }
    }
    if (scored.isEmpty()) {
      throw new UsageException(
          "--label-map scores no model class (every entry maps to background); model classes "
              + modelClasses);
    }
    int maxLabel = Math.max(toClass.isEmpty() ? 0 : toClass.lastKey(), 0);
    if (!datasetLabels.isEmpty()) {
      maxLabel = Math.max(maxLabel, datasetLabels.lastKey());
    }
    int[] datasetToScored = new int[maxLabel + 1];
    for (Map.Entry<Integer, String> e : toClass.entrySet()) {
      datasetToScored[e.getKey()] = scored.indexOf(e.getValue()) + 1; // background → 0
    }
    int[] modelToScored = new int[modelClasses.size()];
    for (int c = 1; c < modelClasses.size(); c++) {
      modelToScored[c] = scored.indexOf(modelClasses.get(c)) + 1;
    }
    return new LabelMapping(scored, datasetToScored, modelToScored, toClass);
  }

  private static int datasetLabel(String key, SortedMap<Integer, String> datasetLabels) {
    String k = key.trim();
    if (k.matches("\\d+")) {
      int value = Integer.parseInt(k);
      if (!datasetLabels.isEmpty() && !datasetLabels.containsKey(value)) {
        throw new UsageException(
            "--label-map: dataset label value "
                + value
                + " is not in the dataset's labels "
                + datasetLabels);
      }
      return value;
    }
    for (Map.Entry<Integer, String> d : datasetLabels.entrySet()) {
      if (d.getValue().toLowerCase(Locale.ROOT).equals(k.toLowerCase(Locale.ROOT))) {
        return d.getKey();
      }
    }
    throw new UsageException(
        "--label-map: \""
            + key
            + "\" is neither a label value nor a label name of the dataset; its labels are "
            + datasetLabels);
  }

  /** The scored model classes, in model order (compact class i + 1). */
  public List<String> scoredClasses() {
    return scoredClasses;
  }

  /** Dataset label value → model class name, as used (for the report). */
  public SortedMap<Integer, String> datasetLabelToClass() {
    return new TreeMap<>(datasetLabelToClass);
  }

  /** A reference label map (dataset values) in the compact class space; unknown values → 0. */
  public int[] reference(short[] datasetLabels) {
    int[] out = new int[datasetLabels.length];
    for (int i = 0; i < out.length; i++) {
      int v = Short.toUnsignedInt(datasetLabels[i]);
      out[i] = v < datasetToScored.length ? datasetToScored[v] : 0;
    }
    return out;
  }

  /** A predicted label map (model channels) in the compact class space. */
  public int[] prediction(short[] modelLabels) {
    int[] out = new int[modelLabels.length];
    for (int i = 0; i < out.length; i++) {
      int v = Short.toUnsignedInt(modelLabels[i]);
      out[i] = v < modelToScored.length ? modelToScored[v] : 0;
    }
    return out;
  }
}
