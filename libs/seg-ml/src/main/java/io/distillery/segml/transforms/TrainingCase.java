package io.distillery.segml.transforms;

import java.util.Arrays;
import java.util.List;

/**
 * One training volume: image channels {@code C×D×H×W} (already normalised), made of one or more
 * {@link ChannelBlock}s in channel order, and labels {@code D×H×W} (0 = background), W fastest.
 * Several blocks let a caller keep, for instance, an image, soft labels and fp16 feature maps in
 * their own arrays instead of packing a second copy of them into one.
 */
public record TrainingCase(List<ChannelBlock> blocks, short[] labels, int[] shape) {
  /** Validates sizes. */
  public TrainingCase {
    blocks = List.copyOf(blocks);
    shape = shape.clone();
    int voxels = shape[0] * shape[1] * shape[2];
    if (blocks.isEmpty() || labels.length != voxels) {
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
