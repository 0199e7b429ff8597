package io.distillery.segml.networks;

import io.distillery.segml.networks.blocks.ActivationKind;

/**
 * The teacher network: a 3-D U-Net (Çiçek et al., MICCAI 2016) with instance norm, on NCDHW input.
 * Configurable depth, width, plain or residual (+SE) stages, transposed-convolution or
 * interpolation up-sampling (the two cross-teaching teachers of Choi, FLARE 2022 differ only in
 * that), per-modality norm sets and optional deep supervision. Topology: see {@code UNetCore3d}.
 *
 * <p>Defaults: base width 16, depth 4 (widths 16/32/64/128), plain stages, transposed convolution,
 * LeakyReLU, one norm set, no deep supervision, 1 input channel. With 2 output classes this has
 * <b>1,401,282 parameters</b> and <b>{@value #DEFAULT_FLOPS_DOC}</b> per input voxel (2 FLOPs per
 * multiply-add of convolution-like layers; see {@link
 * io.distillery.segml.networks.blocks.SegBlock}). Width 16 rather than 8: the teacher is trained
 * once and must be the stronger model; width 8 is one {@code optBaseWidth(8)} away when CPU time
 * matters more.
 */
public final class UNet3d extends UNetCore3d {

  /** Type name in {@link NetworkSpec} and model cards. */
  public static final String TYPE = "UNet3d";

  static final String DEFAULT_FLOPS_DOC = "107,264 FLOPs";

  UNet3d(NetworkSpec spec) {
    super(spec, false);
    if (!TYPE.equals(spec.type())) {
      throw new IllegalArgumentException("not a " + TYPE + " spec: " + spec.type());
    }
  }

  /** A builder with the teacher defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** Builder: {@code set*} are required, {@code opt*} optional. */
  public static final class Builder {
    private int inChannels = 1;
    private int outChannels = -1;
    private int baseWidth = 16;
    private int depth = 4;
    private UpsamplingMode upsampling = UpsamplingMode.TRANSPOSED_CONV;
    private boolean residual;
    private boolean squeezeExcitation;
    private int normSets = 1;
    private boolean deepSupervision;
    private ActivationKind activation = ActivationKind.LEAKY_RELU;

    private Builder() {}

    /** Output classes including background (required). */
    public Builder setOutChannels(int outChannels) {
      this.outChannels = outChannels;
      return this;
    }

    /** Input channels (default 1). */
    public Builder optInChannels(int inChannels) {
      this.inChannels = inChannels;
      return this;
    }

    /** Full-resolution width (default 16). */
    public Builder optBaseWidth(int baseWidth) {
      this.baseWidth = baseWidth;
      return this;
    }

    /** Resolution levels (default 4). */
    public Builder optDepth(int depth) {
      this.depth = depth;
      return this;
    }

    /** Decoder up-sampling (default transposed convolution). */
    public Builder optUpsampling(UpsamplingMode upsampling) {
      this.upsampling = upsampling;
      return this;
    }

    /** Residual stages, optionally with squeeze-and-excitation (default plain, no SE). */
    public Builder optResidual(boolean residual, boolean squeezeExcitation) {
      this.residual = residual;
      this.squeezeExcitation = squeezeExcitation;
      return this;
    }

    /** Instance-norm parameter sets, one per modality (default 1). */
    public Builder optNormSets(int normSets) {
      this.normSets = normSets;
      return this;
    }

    /** Deep-supervision heads (default off). */
    public Builder optDeepSupervision(boolean deepSupervision) {
      this.deepSupervision = deepSupervision;
      return this;
    }

    /** Non-linearity (default LeakyReLU 0.01). */
    public Builder optActivation(ActivationKind activation) {
      this.activation = activation;
      return this;
    }

    /** The spec this builder describes. */
    public NetworkSpec spec() {
      if (outChannels < 1) {
        throw new IllegalStateException("setOutChannels is required");
      }
      return new NetworkSpec(
          TYPE,
          inChannels,
          outChannels,
          baseWidth,
          depth,
          upsampling,
          residual,
          squeezeExcitation,
          normSets,
          deepSupervision,
          activation);
    }

    /** Builds the network (call {@code initialize} before use). */
    public UNet3d build() {
      return new UNet3d(spec());
    }
  }
}
