package io.distillery.segml.networks;

import io.distillery.segml.networks.blocks.ActivationKind;

/**
 * The student network: a light 3-D U-Net whose every convolution is depthwise-separable (3³
 * depthwise + 1³ pointwise, Choi, FLARE 2022), instance norm, NCDHW. Same topology, taps and
 * options as {@link UNet3d}.
 *
 * <p>Defaults: base width 16, depth 4, plain stages, up-sampling by 1³ conv + trilinear
 * interpolation, LeakyReLU, one norm set. With 2 output classes this has <b>79,565 parameters</b>
 * and <b>{@value #DEFAULT_FLOPS_DOC}</b> per input voxel — ≥ 8× fewer parameters and ≥ 5× fewer
 * FLOPs than the default {@link UNet3d} (asserted by a test). [our choice] Trilinear up-sampling,
 * because a k2/s2 transposed convolution (Cin·Cout·8 weights) would carry more parameters than the
 * separable stages it feeds.
 */
public final class LiteUNet3d extends UNetCore3d {

  /** Type name in {@link NetworkSpec} and model cards. */
  public static final String TYPE = "LiteUNet3d";

  static final String DEFAULT_FLOPS_DOC = "8,937 FLOPs";

  LiteUNet3d(NetworkSpec spec) {
    super(spec, true);
    if (!TYPE.equals(spec.type())) {
      throw new IllegalArgumentException("not a " + TYPE + " spec: " + spec.type());
    }
  }

  /** A builder with the student defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** Builder: {@code set*} are required, {@code opt*} optional. */
  public static final class Builder {
    private int inChannels = 1;
    private int outChannels = -1;
    private int baseWidth = 16;
    private int depth = 4;
    private UpsamplingMode upsampling = UpsamplingMode.TRILINEAR;
    private boolean residual;
    private boolean squeezeExcitation;
    private int normSets = 1;
    private boolean deepSupervision;
    private ActivationKind activation = ActivationKind.LEAKY_RELU;
    private boolean denseStem = true;

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

    /** Decoder up-sampling (default 1³ conv + trilinear). */
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

    /**
     * A dense first convolution (default on; off rebuilds networks of cards written before the
     * dense stem existed).
     */
    public Builder optDenseStem(boolean denseStem) {
      this.denseStem = denseStem;
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
          activation,
          denseStem);
    }

    /** Builds the network (call {@code initialize} before use). */
    public LiteUNet3d build() {
      return new LiteUNet3d(spec());
    }
  }
}
