package io.distillery.segml.distillation;

import ai.djl.ndarray.NDArray;
import io.distillery.segml.ops.ScalarOps;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A total loss and its already-weighted parts (name → scalar), in insertion order, for logging;
 * plus optional diagnostics (name → number, e.g. the per-class Dice of the training patches) that
 * are logged with the terms but take no part in the total. Immutable; {@link #plus} and {@link
 * #withDiagnostics} return new instances.
 */
public final class LossTerms {
  private final NDArray total;
  private final Map<String, NDArray> terms;
  private final Map<String, Double> diagnostics;

  private LossTerms(NDArray total, Map<String, NDArray> terms) {
    this(total, terms, Map.of());
  }

  private LossTerms(NDArray total, Map<String, NDArray> terms, Map<String, Double> diagnostics) {
    this.total = total;
    this.terms = Collections.unmodifiableMap(terms);
    this.diagnostics = Collections.unmodifiableMap(new LinkedHashMap<>(diagnostics));
  }

  /**
   * These terms with {@code extra} diagnostics added (logged by {@link #values()}, never summed
   * into the total); a name may not clash with a term.
   */
  public LossTerms withDiagnostics(Map<String, Double> extra) {
    Map<String, Double> merged = new LinkedHashMap<>(diagnostics);
    for (Map.Entry<String, Double> e : extra.entrySet()) {
      if (terms.containsKey(e.getKey())) {
        throw new IllegalArgumentException("diagnostic " + e.getKey() + " clashes with a term");
      }
      merged.put(e.getKey(), e.getValue());
    }
    return new LossTerms(total, new LinkedHashMap<>(terms), merged);
  }

  /** A single term. */
  public static LossTerms of(String name, NDArray weightedTerm) {
    Map<String, NDArray> map = new LinkedHashMap<>();
    map.put(name, weightedTerm);
    return new LossTerms(weightedTerm, map);
  }

  /** Adds {@code weight · term} under {@code name}. */
  public LossTerms plus(String name, float weight, NDArray term) {
    if (terms.containsKey(name)) {
      throw new IllegalArgumentException("duplicate loss term " + name);
    }
    NDArray weighted = weight == 1f ? term : ScalarOps.mul(term, weight);
    Map<String, NDArray> map = new LinkedHashMap<>(terms);
    map.put(name, weighted);
    return new LossTerms(total.add(weighted), map, diagnostics);
  }

  /** Adds all terms of {@code other} (names must not clash). */
  public LossTerms plus(LossTerms other) {
    LossTerms sum = this;
    for (Map.Entry<String, NDArray> e : other.terms.entrySet()) {
      sum = sum.plus(e.getKey(), 1f, e.getValue());
    }
    return sum;
  }

  /** The scalar to back-propagate. */
  public NDArray total() {
    return total;
  }

  /** The weighted terms by name. */
  public Map<String, NDArray> terms() {
    return terms;
  }

  /** The terms as doubles, then the diagnostics, for logs and training metrics. */
  public Map<String, Double> values() {
    Map<String, Double> out = new LinkedHashMap<>();
    for (Map.Entry<String, NDArray> e : terms.entrySet()) {
      out.put(
          e.getKey(),
          e.getValue().toType(ai.djl.ndarray.types.DataType.FLOAT64, false).getDouble());
    }
    out.putAll(diagnostics);
    return out;
  }

  /** The diagnostics alone. */
  public Map<String, Double> diagnostics() {
    return diagnostics;
  }
}
