package io.distillery.trainer.training;

import java.util.Locale;

/**
 * The heap a job's training set holds, estimated before any volume is loaded so that a set too
 * large for the instance fails (or, for MS-KD's feature maps, falls back) with the reason instead
 * of an {@link OutOfMemoryError} in the loader. The job makes this one check, on the voxels of each
 * volume's {@link TrainingGrid} taken from its event.
 *
 * <p>The estimate is what {@link PreparedCase}s hold, each case's arrays once for the whole job
 * ({@link BatchSource} samples from them in place): per training-grid voxel 4 bytes of image, 4 per
 * soft-label channel, 2 per teacher feature channel (fp16) and 2 of labels, plus a fixed margin for
 * the service itself, the patch sampler's foreground index and the prefetched patches.
 */
public final class TrainingSetMemory {
  /** Heap kept for the service, the event catalogue and prefetched patches [our choice]. */
  public static final long MARGIN_BYTES = 96L << 20;

  /**
   * Fraction of the maximum heap a training set may be estimated to take [our choice]. While the
   * cases load, each loader thread also holds a decoded full-resolution image, label and teacher
   * outputs (hundreds of MB for a BTCV case) that become garbage at once, and the prepared arrays
   * are large (one per case and channel group): half of the heap leaves room for both.
   */
  public static final double USABLE_HEAP_FRACTION = 0.5;

  /** The part of {@code maxHeapBytes} a training set may take. */
  public static long usable(long maxHeapBytes) {
    return (long) (maxHeapBytes * USABLE_HEAP_FRACTION);
  }

  private TrainingSetMemory() {}

  /**
   * Bytes of heap one prepared case of {@code voxels} training-grid voxels holds: the float image,
   * {@code softChannels} float soft-label channels, {@code featureChannels} fp16 feature channels
   * and the labels.
   */
  public static long caseBytes(long voxels, int softChannels, int featureChannels) {
    return voxels * ((1L + softChannels) * Float.BYTES + Short.BYTES)
        + featureBytes(voxels, featureChannels);
  }

  /** The part of {@link #caseBytes} taken by {@code featureChannels} fp16 feature channels. */
  public static long featureBytes(long voxels, int featureChannels) {
    return voxels * featureChannels * Short.BYTES;
  }

  /**
   * Refuses a training set estimated at {@code neededBytes} (margin included) when it exceeds the
   * usable part of {@code maxHeapBytes}.
   *
   * @throws TrainingException naming the cases, the need and the limit
   */
  public static void require(long neededBytes, int cases, long maxHeapBytes) {
    if (neededBytes > usable(maxHeapBytes)) {
      throw new TrainingException(
          String.format(
              Locale.ROOT,
              "the training set (%d cases on the training grid) needs about %d MiB of heap and"
                  + " this instance allows %d MiB for it (half of -Xmx %d MiB): give the"
                  + " student-trainer more memory, or use fewer cases, a coarser spacing or fewer"
                  + " teachers",
              cases,
              neededBytes >> 20,
              usable(maxHeapBytes) >> 20,
              maxHeapBytes >> 20));
    }
  }
}
