package io.distillery.tools.protocol;

import io.distillery.tools.UsageException;
import java.util.Locale;

/**
 * Which stored models a protocol run reuses instead of training them again ({@code --reuse}). A
 * model is reused only when its version, a hash of the job spec as the trainer resolves it (every
 * default included), matches: see {@link JobVersions}.
 */
public enum Reuse {
  /** Train every job again (reusable jobs get a version unique to the run). */
  NONE,
  /** Reuse teachers and baselines published as teachers; students are trained by every run. */
  TEACHERS,
  /**
   * Reuse students too: every job is versioned by its resolved spec, so a run interrupted part way
   * is resumed by running the same command again (finished jobs are found published, a job the
   * trainer still runs or resumed after a restart is awaited under its own job id).
   */
  ALL;

  /** The option's value ({@code none}, {@code teachers}, {@code all}). */
  public static Reuse parse(String text) {
    try {
      return valueOf(text.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new UsageException("--reuse " + text + " is not one of none, teachers, all");
    }
  }

  /** The option's spelling. */
  public String option() {
    return name().toLowerCase(Locale.ROOT);
  }
}
