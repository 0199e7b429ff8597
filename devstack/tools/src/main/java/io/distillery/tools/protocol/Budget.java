package io.distillery.tools.protocol;

import io.distillery.tools.UsageException;
import java.util.Locale;

/**
 * The training budget of a protocol run: either steps per training job ({@code 600steps}) or a
 * total wall-clock time ({@code 20m}) converted to steps with the protocol's {@link Planning}
 * figures. The trainer's budget is always in steps, so the resolved step count is what every report
 * records.
 *
 * @param stepsPerJob steps of each job (teachers and students alike)
 * @param minutes the total time asked for, or 0 for a step budget
 */
public record Budget(int stepsPerJob, double minutes) {

  /**
   * How long a protocol takes on this machine, to turn minutes into steps: {@code fixedSeconds} for
   * what does not grow with the steps (ingest, soft labels, serving, scoring) plus {@code
   * secondsPerStep} for one step of every job of the protocol together. Measured figures of a run
   * (see where each protocol's figures are defined); only used for planning, the reports state the
   * steps actually run and the wall time they took.
   */
  public record Planning(double fixedSeconds, double secondsPerStep) {

    /** Validates the figures. */
    public Planning {
      if (!(fixedSeconds >= 0) || !(secondsPerStep > 0)) {
        throw new IllegalArgumentException(
            "planning figures must be >= 0 s fixed and > 0 s per step, got "
                + fixedSeconds
                + " / "
                + secondsPerStep);
      }
    }

    /** Steps per job that fit in {@code minutes}. */
    int stepsFor(double minutes) {
      return (int) Math.floor((minutes * 60 - fixedSeconds) / secondsPerStep);
    }
  }

  /** Validates the figures. */
  public Budget {
    if (stepsPerJob < 1) {
      throw new UsageException("a budget needs at least 1 step per job, got " + stepsPerJob);
    }
  }

  /**
   * Parses {@code 600steps}, {@code 600} (steps), {@code 20m} or {@code 20min}; a time budget is
   * turned into steps with {@code planning}.
   *
   * @throws UsageException for text that is neither, or a time too short for a single step
   */
  public static Budget parse(String text, Planning planning) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    try {
      if (t.endsWith("steps") || t.chars().allMatch(Character::isDigit)) {
        int steps = Integer.parseInt(t.endsWith("steps") ? t.substring(0, t.length() - 5) : t);
        return new Budget(steps, 0);
      }
      String number =
          t.endsWith("min")
              ? t.substring(0, t.length() - 3)
              : t.endsWith("m") ? t.substring(0, t.length() - 1) : null;
      if (number != null) {
        double minutes = Double.parseDouble(number);
        if (!(minutes > 0)) {
          throw new UsageException("a time budget must be positive, got " + text);
        }
        int steps = planning.stepsFor(minutes);
        if (steps < 1) {
          throw new UsageException(
              String.format(
                  Locale.ROOT,
                  "--budget %s leaves no time to train: this protocol needs about %.0f min besides"
                      + " its training steps (%.2f s per step of all its jobs together)",
                  text,
                  planning.fixedSeconds() / 60,
                  planning.secondsPerStep()));
        }
        return new Budget(steps, minutes);
      }
    } catch (NumberFormatException e) {
      throw new UsageException("--budget " + text + " is not a number of steps or minutes");
    }
    throw new UsageException("--budget " + text + " must be steps (600steps) or minutes (20m)");
  }

  /** {@code 600 steps per job} or {@code 20 min (600 steps per job)}. */
  public String describe() {
    return minutes > 0
        ? String.format(Locale.ROOT, "%.0f min (%d steps per job)", minutes, stepsPerJob)
        : stepsPerJob + " steps per job";
  }
}
