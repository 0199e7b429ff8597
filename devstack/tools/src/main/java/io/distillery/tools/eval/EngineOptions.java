package io.distillery.tools.eval;

import io.distillery.segpipeline.ModelOpener;
import io.distillery.segpipeline.SegmentationPipeline;
import io.distillery.tools.Options;
import io.distillery.tools.UsageException;

/**
 * How eval and bench run a model: {@code --threads N} (intra-op threads, default {@link
 * ModelOpener#DEFAULT_THREADS}) and {@code --windows-per-batch N} (sliding windows per engine call,
 * default {@link SegmentationPipeline#DEFAULT_WINDOWS_PER_BATCH}), each at least 1.
 *
 * @param threads engine threads
 * @param windowsPerBatch sliding windows per engine call
 */
public record EngineOptions(int threads, int windowsPerBatch) {

  /**
   * Reads both options from {@code o}.
   *
   * @throws UsageException naming the option that is not an integer or is below 1
   */
  public static EngineOptions of(Options o) {
    return new EngineOptions(
        o.intValue("threads", Integer.parseInt(ModelOpener.DEFAULT_THREADS), 1),
        o.intValue(
            "windows-per-batch",
            Integer.parseInt(SegmentationPipeline.DEFAULT_WINDOWS_PER_BATCH),
            1));
  }
}
