package io.distillery.segml.transforms;

import io.distillery.tensorcodec.HalfFloat;

/**
 * Consecutive channels {@code count×D×H×W} (W fastest) of a {@link TrainingCase}, held either as
 * 32-bit floats or as IEEE 754 binary16 bits ({@link HalfFloat}), which take half the memory and
 * are converted to float only when a patch is cut. The array is used as given, not copied.
 */
public final class ChannelBlock {
  private final float[] floats;
  private final short[] halves;
  private final int count;

  private ChannelBlock(float[] floats, short[] halves, int count) {
    if (count < 1) {
      throw new IllegalArgumentException("a channel block needs at least one channel: " + count);
    }
    this.floats = floats;
    this.halves = halves;
    this.count = count;
  }

  /** {@code count} float channels. */
  public static ChannelBlock floats(float[] data, int count) {
    return new ChannelBlock(java.util.Objects.requireNonNull(data, "data"), null, count);
  }

  /** {@code count} fp16 channels, each value the bits of a half ({@link HalfFloat#fromFloat}). */
  public static ChannelBlock halves(short[] data, int count) {
    return new ChannelBlock(null, java.util.Objects.requireNonNull(data, "data"), count);
  }

  /** Channels in this block. */
  public int count() {
    return count;
  }

  /** Values held ({@code count·D·H·W}). */
  public int length() {
    return floats != null ? floats.length : halves.length;
  }

  /** Whether the values are held as fp16. */
  public boolean isHalf() {
    return halves != null;
  }

  float[] floatData() {
    return floats;
  }

  short[] halfData() {
    return halves;
  }
}
