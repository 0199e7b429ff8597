package io.distillery.trainer.training;

import io.distillery.segml.networks.LiteUNet3d;
import io.distillery.segml.networks.NetworkSpec;
import io.distillery.segml.networks.UpsamplingMode;
import io.distillery.segml.networks.blocks.SqueezeExcitation3d;

/**
 * The native (libtorch) memory one training step needs for a network, a patch and a batch,
 * estimated from the {@link NetworkSpec} alone, before anything is built, so that a job spec whose
 * step cannot fit is refused at submission with the estimate and the limit. It complements {@link
 * TrainingSetMemory}, which estimates the heap of the training set from the volumes at job start.
 *
 * <p>The estimate is the sum of:
 *
 * <ul>
 *   <li>the parameters, 16 bytes each for a trained network: fp32 weights, their gradients and
 *       Adam's two moments;
 *   <li>the activations autograd keeps for the backward pass, 4 bytes per voxel and channel, per
 *       sample: per conv-norm-act unit {@value #TENSORS_PER_UNIT} tensors of its output width (the
 *       convolution's output and the instance norm's centred, normalised and shifted tensors, and
 *       the activation's output), plus the depthwise output of a separable convolution; for each
 *       decoder stage its up-sampled input and the concatenation with the skip; the heads' logits
 *       and {@value #LOSS_TENSORS} tensors of class width per head for the loss (softmax, log,
 *       one-hot targets and their products); the input; and {@value #BACKWARD_TENSORS} tensors of
 *       full-resolution width for the gradients alive during the backward pass. A level {@code i}
 *       tensor has 1/8^i of the patch's voxels.
 * </ul>
 *
 * <p>Not counted: the JVM and libtorch themselves, and the training set (on the heap). Against the
 * seg-ml benchmark (libs/seg-ml/README.md: one 96³ batch-2 training step, peak RSS of the whole
 * process 5,059 MB for the default teacher and 5,776 MB for the default student, JVM and libtorch
 * included; the student then had no dense stem) the estimate gives 3,905 MB and 4,524 MB: the rest,
 * about 1.2 GB, is the JVM and libtorch.
 */
public final class TrainingStepMemory {

  /** Tensors autograd keeps per conv-norm-act unit, in units of its output width. */
  static final int TENSORS_PER_UNIT = 5;

  /** Tensors of class width per output head for the loss. */
  static final int LOSS_TENSORS = 6;

  /** Full-resolution tensors of base width alive during the backward pass. */
  static final int BACKWARD_TENSORS = 3;

  /** Bytes per parameter of a trained network: weight, gradient, Adam's first and second moment. */
  static final int TRAINED_PARAMETER_BYTES = 4 * Float.BYTES;

  private TrainingStepMemory() {}

  /**
   * Bytes one training step of {@code spec} needs for {@code samples} patches of {@code patch}
   * voxels (D, H, W) through the network, parameters included.
   */
  public static long trainedBytes(NetworkSpec spec, int[] patch, int samples) {
    double voxels = (double) patch[0] * patch[1] * patch[2];
    return (long)
        (voxels * samples * Float.BYTES * activationChannels(spec)
            + (double) TRAINED_PARAMETER_BYTES * parameters(spec));
  }

  /**
   * Float tensors autograd keeps per sample, counted in full-resolution voxels: the sum over every
   * kept tensor of its channels times its share of the patch's voxels (1/8^level).
   */
  static double activationChannels(NetworkSpec spec) {
    boolean separable = LiteUNet3d.TYPE.equals(spec.type());
    int depth = spec.depth();
    int classes = spec.outChannels();
    double total = spec.inChannels() + BACKWARD_TENSORS * (double) spec.baseWidth();
    for (int i = 0; i < depth; i++) {
      int in = i == 0 ? spec.inChannels() : width(spec, i - 1);
      boolean stemDense = i == 0 && separable && spec.denseStem() && !spec.residual();
      total +=
          stageActivations(spec, in, width(spec, i), i == 0 ? 1 : 2, separable, stemDense)
              / scale(i);
    }
    for (int j = 0; j < depth - 1; j++) {
      int level = depth - 2 - j;
      int fine = width(spec, level);
      double up =
          spec.upsampling() == UpsamplingMode.TRANSPOSED_CONV
              ? fine
              // 1³ convolution at the coarse level, then the interpolated tensor.
              : fine / 8.0 + fine;
      double joined = 2.0 * fine;
      double stage = stageActivations(spec, 2 * fine, fine, 1, separable, false);
      total += (up + joined + stage) / scale(level);
      if (spec.deepSupervision() && j < depth - 2) {
        total += (1 + LOSS_TENSORS) * (double) classes / scale(level);
      }
    }
    return total + (1 + LOSS_TENSORS) * (double) classes;
  }

  /** Scalar parameters of {@code spec}'s network, as {@code parameterCount()} counts them. */
  public static long parameters(NetworkSpec spec) {
    boolean separable = LiteUNet3d.TYPE.equals(spec.type());
    int depth = spec.depth();
    int classes = spec.outChannels();
    long total = 0;
    for (int i = 0; i < depth; i++) {
      int in = i == 0 ? spec.inChannels() : width(spec, i - 1);
      boolean stemDense = i == 0 && separable && spec.denseStem() && !spec.residual();
      total += stageParameters(spec, in, width(spec, i), i == 0 ? 1 : 2, separable, stemDense);
    }
    for (int j = 0; j < depth - 1; j++) {
      int level = depth - 2 - j;
      int coarse = width(spec, level + 1);
      int fine = width(spec, level);
      total +=
          spec.upsampling() == UpsamplingMode.TRANSPOSED_CONV
              ? conv(coarse, fine, 2, 1, true)
              : conv(coarse, fine, 1, 1, true);
      total += stageParameters(spec, 2 * fine, fine, 1, separable, false);
      if (spec.deepSupervision() && j < depth - 2) {
        total += conv(fine, classes, 1, 1, true);
      }
    }
    return total + conv(spec.baseWidth(), classes, 1, 1, true);
  }

  private static double stageActivations(
      NetworkSpec spec, int in, int out, int stride, boolean separable, boolean stemDense) {
    if (spec.residual()) {
      double first = unitActivations(in, out, separable);
      // Second convolution and its norm (conv, centred, normalised, shifted), the SE gate's
      // product, the shortcut (convolution and norm) when present, the sum and its activation.
      double second = 4.0 * out + (separable ? out : 0);
      double se = spec.squeezeExcitation() ? out : 0;
      double shortcut = in != out || stride != 1 ? 4.0 * out : 0;
      return first + second + se + shortcut + 2.0 * out;
    }
    return unitActivations(in, out, separable && !stemDense) + unitActivations(out, out, separable);
  }

  private static double unitActivations(int in, int out, boolean separable) {
    return TENSORS_PER_UNIT * (double) out + (separable ? in : 0);
  }

  private static long stageParameters(
      NetworkSpec spec, int in, int out, int stride, boolean separable, boolean stemDense) {
    int sets = spec.normSets();
    if (spec.residual()) {
      long total = unitParameters(in, out, separable, sets);
      total += separable ? conv(out, out, 3, out, false) + conv(out, out, 1, 1, false) : 0;
      total += separable ? 0 : conv(out, out, 3, 1, false);
      total += norm(out, sets);
      if (spec.squeezeExcitation()) {
        int hidden = Math.max(1, out / SqueezeExcitation3d.DEFAULT_REDUCTION);
        total += conv(out, hidden, 1, 1, true) + conv(hidden, out, 1, 1, true);
      }
      if (in != out || stride != 1) {
        total += conv(in, out, 1, 1, false) + norm(out, sets);
      }
      return total;
    }
    return unitParameters(in, out, separable && !stemDense, sets)
        + unitParameters(out, out, separable, sets);
  }

  private static long unitParameters(int in, int out, boolean separable, int sets) {
    long convolution =
        separable
            ? conv(in, in, 3, in, false) + conv(in, out, 1, 1, false)
            : conv(in, out, 3, 1, false);
    return convolution + norm(out, sets);
  }

  private static long conv(int in, int out, int kernel, int groups, boolean bias) {
    return (long) out * (in / groups) * kernel * kernel * kernel + (bias ? out : 0);
  }

  private static long norm(int channels, int sets) {
    return 2L * sets * channels;
  }

  private static int width(NetworkSpec spec, int level) {
    return spec.baseWidth() << level;
  }

  private static double scale(int level) {
    return Math.pow(8, level);
  }
}
