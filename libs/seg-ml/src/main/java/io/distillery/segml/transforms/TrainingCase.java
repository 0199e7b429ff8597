package io.distillery.segml.transforms;

import java.util.Arrays;
import java.util.List;

/**
 * One training volume: image channels {@code C×D×H×W} (already normalised), made of one or more
 * {@link ChannelBlock}s in channel order, and labels {@code D×H×W} (0 = background), W fastest.
 * Several blocks let a caller keep, for instance, an image, soft labels and fp16 feature maps in
 * their own arrays instead of packing a second copy of them into one.
 *
 * <p>{@code samplingLabels} ({@code D×H×W}) say where the {@link PatchSampler} centres its
 * foreground patches; usually the labels themselves, but a case whose dataset labels only some
 * classes may add where teachers see the others (never used as a training target).
 */
public record TrainingCase(
    List<ChannelBlock> blocks, short[] labels, int[] shape, short[] samplingLabels) {
  /** Validates sizes. */
  public TrainingCase {
    blocks = List.copyOf(blocks);
    shape = shape.clone();
    int voxels = shape[0] * shape[1] * shape[2];
    if (blocks.isEmpty() || labels.length != voxels || samplingLabels.length != voxels) {
      throw new IllegalArgumentException(
          "case of shape "
              + Arrays.toString(shape)
              + " has "
              + blocks.size()
              + " channel blocks and "
              + labels.length
              + " labels");
    }
    for (ChannelBlock b : blocks) {
      if ((long) b.count() * voxels != b.length()) {
        throw new IllegalArgumentException(
            "case of shape "
                + Arrays.toString(shape)
                + " has a block of "
                + b.length()
                + " values for "
                + b.count()
                + " channels");
      }
    }
  }

  /** A case sampled by its own labels. */
  public TrainingCase(List<ChannelBlock> blocks, short[] labels, int[] shape) {
    this(blocks, labels, shape, labels);
  }

  /** A case whose {@code channels} image channels are all in one float array. */
  public TrainingCase(float[] image, int channels, short[] labels, int[] shape) {
    this(List.of(ChannelBlock.floats(image, channels)), labels, shape);
  }

  /** Total channels C over all blocks. */
  public int channels() {
    return blocks.stream().mapToInt(ChannelBlock::count).sum();
  }

  @Override
  public int[] shape() {
    return shape.clone();
  }
}
