package io.distillery.segml.losses;

import ai.djl.ndarray.NDArray;
import io.distillery.segml.ops.ScalarOps;

/**
 * Soft Dice loss (Milletari et al., "V-Net", 3DV 2016; methods.md §0): {@code 1 − (2 Σ p·g + s) /
 * (Σ p + Σ g + s)} per class, averaged over classes.
 *
 * <p>Inputs {@code N×C×D×H×W}: probabilities (or logits, softmaxed over C) and a one-hot/soft
 * target of the same shape. Defaults: background (channel 0) excluded, smooth {@code s = 1e-5},
 * Dice computed per sample and then averaged over samples and classes (MONAI's {@code
 * batch=False}); {@link Builder#optBatchDice(boolean)} pools the batch first, as nnU-Net's "batch
 * Dice" does.
 */
public final class DiceLoss {
  /** Smoothing term of methods.md §0. */
  public static final float DEFAULT_SMOOTH = 1e-5f;

  private final float smooth;
  private final boolean includeBackground;
  private final boolean batchDice;

  private DiceLoss(Builder b) {
    this.smooth = b.smooth;
    this.includeBackground = b.includeBackground;
    this.batchDice = b.batchDice;
  }

  /** The methods.md default: background excluded, smooth 1e-5, per-sample Dice. */
  public static DiceLoss create() {
    return builder().build();
  }

  /** Starts a builder with the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** Loss from logits {@code N×C×...}: softmax over C, then {@link #fromProbabilities}. */
  public NDArray fromLogits(NDArray logits, NDArray target) {
    return fromProbabilities(logits.softmax(1), target);
  }

  /** Loss from class probabilities {@code N×C×...} against a target of the same shape. */
  public NDArray fromProbabilities(NDArray probabilities, NDArray target) {
    Tensors.requireChannelsFirst("DiceLoss probabilities", probabilities);
    Tensors.requireSameShape("DiceLoss probabilities vs target", probabilities, target);
    long classes = probabilities.getShape().get(1);
    if (!includeBackground && classes < 2) {
      throw new LossInputException(
          "DiceLoss without background needs at least 2 channels, got " + classes);
    }
    NDArray p = includeBackground ? probabilities : probabilities.get(":, 1:");
    NDArray g = includeBackground ? target : target.get(":, 1:");
    int[] axes = batchDice ? Tensors.batchAndSpatialAxes(p) : Tensors.spatialAxes(p);
    NDArray intersection = p.mul(g).sum(axes);
    NDArray denominator = ScalarOps.add(p.sum(axes).add(g.sum(axes)), smooth);
    NDArray dice = ScalarOps.add(ScalarOps.mul(intersection, 2f), smooth).div(denominator);
    return ScalarOps.rsub(1f, dice).mean();
  }

  /** Builder; every option has the methods.md default. */
  public static final class Builder {
    private float smooth = DEFAULT_SMOOTH;
    private boolean includeBackground;
    private boolean batchDice;

    private Builder() {}

    /** Smoothing added to numerator and denominator (default 1e-5). */
    public Builder optSmooth(float smooth) {
      this.smooth = smooth;
      return this;
    }

    /** Whether channel 0 (background) takes part (default false). */
    public Builder optIncludeBackground(boolean includeBackground) {
      this.includeBackground = includeBackground;
      return this;
    }

    /** Pool all samples of the batch before the Dice ratio (default false). */
    public Builder optBatchDice(boolean batchDice) {
      this.batchDice = batchDice;
      return this;
    }

    /** Builds the loss. */
    public DiceLoss build() {
      if (!(smooth >= 0f)) {
        throw new LossInputException("smooth must be >= 0, got " + smooth);
      }
      return new DiceLoss(this);
    }
  }
}
