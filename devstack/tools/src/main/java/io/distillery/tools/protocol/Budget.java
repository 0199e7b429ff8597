package io.distillery.tools.protocol;

import io.distillery.tools.UsageException;
import java.util.Locale;

/**
 * The training budget of a protocol run: steps per training job ({@code 600steps}), wall-clock
 * minutes per training job ({@code 8.5m/job}), or a total wall-clock time ({@code 60m}) shared
 * equally by the protocol's training jobs after its fixed time. A time budget reaches the trainer
 * as the job spec's {@code budget.minutes}: the trainer plans the steps from the step time it
 * measures in the job's first steps and reports them, so that no step-time constant of this machine
 * is built in.
 *
 * @param stepsPerJob steps of each job (teachers and students alike); for a time budget the cap the
 *     trainer's plan may not exceed
 * @param minutes the total time asked for, or 0 when not given as a total
 * @param minutesPerJob the training-loop minutes of each job, or 0 for a step budget
 */
public record Budget(int stepsPerJob, double minutes, double minutesPerJob) {

  /** The step cap of a time-budgeted job: far above what any job plans on this machine. */
  static final int TIMED_STEP_CAP = 100_000;

  /**
   * What a protocol spends besides its training loops (ingest, soft labels, job start-up,
   * validation and export, serving and scoring), to share a total time among its jobs.
   *
   * @param fixedSeconds seconds of a run that do not grow with the training time
   */
  public record Planning(double fixedSeconds) {

    /** Validates the figure. */
    public Planning {
      if (!(fixedSeconds >= 0)) {
        throw new IllegalArgumentException("fixed seconds must be >= 0, got " + fixedSeconds);
      }
    }
  }

  /** Validates the figures. */
  public Budget {
    if (stepsPerJob < 1) {
      throw new UsageException("a budget needs at least 1 step per job, got " + stepsPerJob);
    }
    if (!(minutesPerJob >= 0)) {
      throw new UsageException("a time budget must be positive, got " + minutesPerJob);
    }
  }

  /** {@code steps} steps per job. */
  public static Budget steps(int steps) {
    return new Budget(steps, 0, 0);
  }

  /** Whether the trainer plans the steps from a wall-time budget. */
  public boolean timed() {
    return minutesPerJob > 0;
  }

  /**
   * Parses {@code 600steps}, {@code 600} (steps), {@code 8.5m/job} (minutes per training job) or
   * {@code 60m} / {@code 60min} (in all, shared by the {@code jobs} training jobs after {@code
   * planning}'s fixed time).
   *
   * @throws UsageException for text that is none of these, or a total too short to train
   */
  public static Budget parse(String text, Planning planning, int jobs) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    try {
      if (t.endsWith("steps") || (!t.isEmpty() && t.chars().allMatch(Character::isDigit))) {
        return steps(Integer.parseInt(t.endsWith("steps") ? t.substring(0, t.length() - 5) : t));
      }
      boolean perJob = t.endsWith("/job");
      String time = perJob ? t.substring(0, t.length() - 4) : t;
      String number =
          time.endsWith("min")
              ? time.substring(0, time.length() - 3)
              : time.endsWith("m") ? time.substring(0, time.length() - 1) : null;
      if (number != null) {
        double minutes = Double.parseDouble(number);
        if (!(minutes > 0) || Double.isInfinite(minutes)) {
          throw new UsageException("a time budget must be positive, got " + text);
        }
        if (perJob) {
          return new Budget(TIMED_STEP_CAP, 0, minutes);
        }
        double perJobMinutes = (minutes * 60 - planning.fixedSeconds()) / 60 / Math.max(1, jobs);
        // Below a minute the trainer's own step-time measurement takes most of the job.
        if (perJobMinutes < 1) {
          throw new UsageException(
              String.format(
                  Locale.ROOT,
                  "--budget %s leaves less than a minute per training job: this protocol needs"
                      + " about %.0f min besides its %d training jobs",
                  text,
                  planning.fixedSeconds() / 60,
                  jobs));
        }
        return new Budget(TIMED_STEP_CAP, minutes, Math.floor(perJobMinutes * 10) / 10);
      }
    } catch (NumberFormatException e) {
      throw new UsageException("--budget " + text + " is not a number of steps or minutes");
    }
    throw new UsageException(
        "--budget " + text + " must be steps (600steps), minutes per job (8m/job) or in all (60m)");
  }

  /** {@code 600 steps per job}, {@code 8.5 min per job} or {@code 60 min (8.5 min per job)}. */
  public String describe() {
    if (!timed()) {
      return stepsPerJob + " steps per job";
    }
    String perJob = String.format(Locale.ROOT, "%s min per job", number(minutesPerJob));
    return minutes > 0
        ? String.format(
            Locale.ROOT, "%s min (%s, steps planned by the trainer)", number(minutes), perJob)
        : perJob + " (steps planned by the trainer)";
  }

  private static String number(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
  }
}
