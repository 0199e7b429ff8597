package io.distillery.segml.metrics;

import java.util.Arrays;

/**
 * A metric per class (index = class label; index 0, background, is {@code NaN}: not evaluated) with
 * the mean over the foreground classes whose value is defined and the count of undefined ({@code
 * NaN}) ones — the "HD95 reported as NaN with a count" convention of methods.md.
 */
public record ClassScores(double[] perClass) {
  /** Copies the values. */
  public ClassScores {
    perClass = perClass.clone();
  }

  /** The value of class {@code c}. */
  public double of(int c) {
    return perClass[c];
  }

  /** Mean over foreground classes with a defined value; {@code NaN} if there is none. */
  public double mean() {
    return Arrays.stream(perClass, 1, perClass.length)
        .filter(v -> !Double.isNaN(v))
        .average()
        .orElse(Double.NaN);
  }

  /** Number of foreground classes whose value is {@code NaN}. */
  public int nanCount() {
    return (int) Arrays.stream(perClass, 1, perClass.length).filter(Double::isNaN).count();
  }

  @Override
  public double[] perClass() {
    return perClass.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ClassScores s && Arrays.equals(s.perClass, perClass);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(perClass);
  }

  @Override
  public String toString() {
    return "ClassScores" + Arrays.toString(perClass) + " mean=" + mean() + " nan=" + nanCount();
  }
}
