package io.distillery.tools.stack;

import io.distillery.contracts.events.TrainingProgressed;
import java.util.Locale;

/**
 * The one-line form of a {@link TrainingProgressed} event that the tools print while a job trains:
 * {@code <prefix> <state> step <step>/<total>[ loss <total loss>][ eta <seconds> s]}.
 */
public final class ProgressLine {

  private ProgressLine() {}

  /**
   * Formats {@code event} after {@code prefix} (the job's label, with any punctuation the caller
   * wants after it). The loss is the {@code total} component, else the first one; it and the ETA
   * are left out when the event has none.
   */
  public static String format(String prefix, TrainingProgressed event) {
    String loss =
        event.losses() == null || event.losses().isEmpty()
            ? ""
            : String.format(
                Locale.ROOT,
                " loss %.4f",
                event.losses().getOrDefault("total", event.losses().values().iterator().next()));
    String eta =
        event.etaSeconds() == null
            ? ""
            : String.format(Locale.ROOT, " eta %.0f s", event.etaSeconds());
    return String.format(
        Locale.ROOT,
        "%s %s step %d/%d%s%s",
        prefix,
        event.state(),
        event.step(),
        event.totalSteps(),
        loss,
        eta);
  }
}
