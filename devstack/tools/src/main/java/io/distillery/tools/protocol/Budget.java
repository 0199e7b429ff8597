package io.distillery.tools.protocol;

import io.distillery.tools.UsageException;
import java.util.Locale;

/**
 * The training budget of a protocol run: either steps per training job ({@code 600steps}) or a
 * total wall-clock time ({@code 20m}) spread evenly over the protocol's jobs and converted to steps
 * with {@link #PLANNING_SECONDS_PER_STEP}. The trainer's budget is always in steps, so the resolved
 * step count is what every report records.
 *
 * @param stepsPerJob steps of each job (teachers and students alike)
 * @param minutes the total time asked for, or 0 for a step budget
 */
public record Budget(int stepsPerJob, double minutes) {

  /**
   * Planning figure for a time budget: seconds per step of a UNet3d w8 d3 teacher on 32³ patches
   * (batch 2, 4 mm) on the shared 2-core machine at load average ~20 (its first 12 steps in the
   * ms-kd-btcv run of docs/results.md gave an ETA of 595 s for the remaining 108 steps). Only used
   * to turn minutes into steps; the reports state the steps actually run.
   */
  public static final double PLANNING_SECONDS_PER_STEP = 5.0;

  /** Validates the figures. */
  public Budget {
    if (stepsPerJob < 1) {
      throw new UsageException("a budget needs at least 1 step per job, got " + stepsPerJob);
    }
  }

  /**
   * Parses {@code 600steps}, {@code 600} (steps), {@code 20m} or {@code 20min}; {@code jobs} is the
   * number of training jobs a time budget is shared by.
   */
  public static Budget parse(String text, int jobs) {
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
        int steps =
            (int) Math.floor(minutes * 60 / (Math.max(1, jobs) * PLANNING_SECONDS_PER_STEP));
        return new Budget(Math.max(1, steps), minutes);
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
