package io.distillery.trainer.training;

import java.util.List;
import java.util.Locale;

/**
 * The heap a job's training set needs, checked before training starts so that a set too large for
 * the instance fails with the reason instead of an {@link OutOfMemoryError} in the loader.
 *
 * <p>The estimate counts the prepared cases (image, labels, soft labels and teacher feature maps,
 * float per voxel) and the packed copy {@link BatchSource} builds from them (all of them as
 * channels of one array), plus a fixed margin for the service itself and the prefetched patches.
 */
public final class TrainingSetMemory {
  /** Heap kept for the service, the event catalogue and prefetched patches [our choice]. */
  public static final long MARGIN_BYTES = 96L << 20;

  /**
   * Fraction of the maximum heap a training set may be estimated to take [our choice]. The arrays
   * are large (one per case, 100 MB and more with feature maps), the loader's decoded and resampled
   * intermediates are garbage at the same time, and a large array needs a contiguous region: a job
   * whose estimate was below the 6 GiB heap still died of OutOfMemoryError while packing its cases
   * (BTCV at 4 mm with four teachers' 8-channel feature maps).
   */
  public static final double USABLE_HEAP_FRACTION = 0.5;

  /** The part of {@code maxHeapBytes} a training set may take. */
  public static long usable(long maxHeapBytes) {
    return (long) (maxHeapBytes * USABLE_HEAP_FRACTION);
  }

  private TrainingSetMemory() {}

  /**
   * Bytes of heap {@code volumes} cases of {@code voxels} training-grid voxels each with {@code
   * channels} float channels take, prepared and packed: the estimate made before loading.
   */
  public static long bytesFor(long voxels, long channels) {
    return 2 * voxels * channels * Float.BYTES;
  }

  /** Bytes of heap the groups need while training. */
  public static long bytesNeeded(List<SampleGroup> groups) {
    long bytes = MARGIN_BYTES;
    for (SampleGroup group : groups) {
      for (PreparedCase c : group.cases()) {
        long voxels = c.voxels();
        long channels =
            1L + (c.softLabels() == null ? 0 : c.softChannels()) + c.featureChannelCount();
        long prepared = voxels * channels * Float.BYTES + (c.labels() == null ? 0 : voxels * 2);
        long packed = c.softLabels() == null ? 0 : voxels * channels * Float.BYTES;
        bytes += prepared + packed;
      }
    }
    return bytes;
  }

  /**
   * Refuses a training set larger than the usable part of {@code maxHeapBytes}.
   *
   * @throws TrainingException naming the cases, the need and the limit
   */
  public static void require(List<SampleGroup> groups, long maxHeapBytes) {
    long needed = bytesNeeded(groups);
    if (needed > usable(maxHeapBytes)) {
      int cases = groups.stream().mapToInt(g -> g.cases().size()).sum();
      throw new TrainingException(
          String.format(
              Locale.ROOT,
              "the training set (%d cases on the training grid) needs about %d MiB of heap and"
                  + " this instance allows %d MiB for it (half of -Xmx %d MiB): give the"
                  + " student-trainer more memory, or use fewer cases, a coarser spacing or fewer"
                  + " teachers",
              cases,
              needed >> 20,
              usable(maxHeapBytes) >> 20,
              maxHeapBytes >> 20));
    }
  }
}
