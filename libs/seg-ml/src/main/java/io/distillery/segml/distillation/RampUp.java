package io.distillery.segml.distillation;

/**
 * Sigmoid-shaped ramp-up {@code r(t) = exp(−5 (1 − t/t_max)²)} (Laine and Aila, "Temporal
 * Ensembling for Semi-Supervised Learning", ICLR 2017; methods.md §0), used for consistency and KD
 * weights; {@code t} is the epoch, clamped to {@code [0, t_max]}, so {@code r = 1} from {@code
 * t_max} on.
 */
public final class RampUp {
  private final double tMax;

  /** A ramp reaching 1 at {@code tMax ≥ 0} (0 means no ramp: always 1). */
  public RampUp(double tMax) {
    if (!(tMax >= 0)) {
      throw new IllegalArgumentException("tMax must be >= 0, got " + tMax);
    }
    this.tMax = tMax;
  }

  /** The weight at time {@code t}. */
  public float weight(double t) {
    if (tMax == 0) {
      return 1f;
    }
    double phase = 1 - Math.min(Math.max(t, 0), tMax) / tMax;
    return (float) Math.exp(-5 * phase * phase);
  }
}
