package io.distillery.tools.eval;

import io.distillery.segpipeline.ModelOpener;
import io.distillery.segpipeline.SegmentationPipeline;
import io.distillery.tools.Options;
import io.distillery.tools.UsageException;

/**
 * How eval and bench run a model: {@code --threads N} (intra-op threads, default {@link
 * ModelOpener#DEFAULT_THREADS}) and {@code --windows-per-batch N} (sliding windows per engine call,
 * default {@link SegmentationPipeline#DEFAULT_WINDOWS_PER_BATCH}), each at least 1, and {@code
 * --overlap F} (sliding-window overlap in [0, 1), default the model card's).
 *
 * @param threads engine threads
 * @param windowsPerBatch sliding windows per engine call
 * @param overlap sliding-window overlap, or null for the model card's
 */
public record EngineOptions(int threads, int windowsPerBatch, Double overlap) {

  /** A pipeline with these options. */
  public SegmentationPipeline pipeline() {
    return new SegmentationPipeline(windowsPerBatch, overlap);
  }

  /**
   * Reads the options from {@code o}.
   *
   * @throws UsageException naming the option that is not an integer or is below 1, or an overlap
   *     that is not a number in [0, 1)
   */
  public static EngineOptions of(Options o) {
    Double overlap = null;
    java.util.Optional<String> given = o.get("overlap");
    if (given.isPresent()) {
      String error = "--overlap must be a number in [0, 1), got " + given.get();
      try {
        overlap = Double.parseDouble(given.get());
      } catch (NumberFormatException e) {
        throw new UsageException(error);
      }
      if (!(overlap >= 0 && overlap < 1)) {
        throw new UsageException(error);
      }
    }
    return new EngineOptions(
        o.intValue("threads", Integer.parseInt(ModelOpener.DEFAULT_THREADS), 1),
        o.intValue(
            "windows-per-batch",
            Integer.parseInt(SegmentationPipeline.DEFAULT_WINDOWS_PER_BATCH),
            1),
        overlap);
  }
}
