package io.distillery.segml.networks;

import io.distillery.segml.networks.blocks.ActivationKind;

/**
 * The complete architecture of a segmentation network: enough to rebuild it (then load its {@code
 * .params}). Serialised into the model card.
 *
 * @param type {@link UNet3d#TYPE} or {@link LiteUNet3d#TYPE}
 * @param inChannels input channels (image modalities stacked as channels)
 * @param outChannels output classes, background included
 * @param baseWidth channels at full resolution; level i has baseWidth·2^i
 * @param depth number of resolution levels (input sizes must be multiples of 2^(depth−1))
 * @param upsampling decoder up-sampling
 * @param residual residual stages instead of two plain conv-norm-act units
 * @param squeezeExcitation SE in residual stages (requires {@code residual})
 * @param normSets instance-norm parameter sets (modalities), at least 1
 * @param deepSupervision auxiliary 1³ heads on the decoder stages other than the last
 * @param activation non-linearity
 * @param denseStem for depthwise-separable networks: the first convolution (input → base width) is
 *     a dense 3³ one, so that the image is seen through {@code baseWidth} filters rather than one
 *     3³ depthwise filter on the single input channel; false in cards written before it existed
 */
public record NetworkSpec(
    String type,
    int inChannels,
    int outChannels,
    int baseWidth,
    int depth,
    UpsamplingMode upsampling,
    boolean residual,
    boolean squeezeExcitation,
    int normSets,
    boolean deepSupervision,
    ActivationKind activation,
    boolean denseStem) {

  /** A spec without a dense stem (as every network had before {@code denseStem} existed). */
  public NetworkSpec(
      String type,
      int inChannels,
      int outChannels,
      int baseWidth,
      int depth,
      UpsamplingMode upsampling,
      boolean residual,
      boolean squeezeExcitation,
      int normSets,
      boolean deepSupervision,
      ActivationKind activation) {
    this(
        type,
        inChannels,
        outChannels,
        baseWidth,
        depth,
        upsampling,
        residual,
        squeezeExcitation,
        normSets,
        deepSupervision,
        activation,
        false);
  }

  /** Validates the combination. */
  public NetworkSpec {
    if (!UNet3d.TYPE.equals(type) && !LiteUNet3d.TYPE.equals(type)) {
      throw new IllegalArgumentException("unknown network type: " + type);
    }
    if (inChannels < 1 || outChannels < 1 || baseWidth < 1 || depth < 1 || normSets < 1) {
      throw new IllegalArgumentException("channels, width, depth and normSets must be positive");
    }
    if (upsampling == null || activation == null) {
      throw new IllegalArgumentException("upsampling and activation are required");
    }
    if (squeezeExcitation && !residual) {
      throw new IllegalArgumentException("squeeze-and-excitation needs residual stages");
    }
  }

  /** Builds the network this spec describes (parameters uninitialised). */
  public SegmentationNetwork build() {
    return UNet3d.TYPE.equals(type) ? new UNet3d(this) : new LiteUNet3d(this);
  }
}
