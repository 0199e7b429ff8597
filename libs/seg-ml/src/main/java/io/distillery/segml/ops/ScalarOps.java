package io.distillery.segml.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Arithmetic between an {@link NDArray} and a constant that stays correct under autograd on DJL's
 * PyTorch engine. Use it instead of DJL's {@code Number} overloads ({@code x.mul(2f)}, {@code
 * x.pow(-0.5f)}, {@code x.maximum(1f)}, …) in every differentiable path.
 *
 * <p>Why: DJL 0.35's {@code PtNDArray.mul(Number)} and its siblings wrap the constant in a tensor
 * that borrows a Java direct buffer ({@code torch::from_blob}, the buffer held only by the Java
 * object) and close that object right after the op. Autograd keeps the tensor for the backward pass
 * of {@code mul}, {@code div}, {@code pow}, {@code maximum} and {@code minimum}; once the garbage
 * collector frees the buffer, the backward reads freed memory and gradients turn NaN or huge at
 * random steps, independent of the learning rate. Here the constant is allocated by libtorch
 * ({@code NDManager.full}), so closing the Java handle only drops one reference. {@link
 * NumberOverloadScan} keeps the Number overloads out of the differentiable packages.
 */
public final class ScalarOps {
  private ScalarOps() {}

  /** A 0-d constant of {@code x}'s type, allocated by the engine (not borrowed from Java). */
  public static NDArray constant(NDArray x, float value) {
    return x.getManager().full(new Shape(), value, x.getDataType());
  }

  /** {@code x · value}. */
  public static NDArray mul(NDArray x, float value) {
    try (NDArray c = constant(x, value)) {
      return x.mul(c);
    }
  }

  /** {@code x / value}. */
  public static NDArray div(NDArray x, float value) {
    try (NDArray c = constant(x, value)) {
      return x.div(c);
    }
  }

  /** {@code x + value}. */
  public static NDArray add(NDArray x, float value) {
    try (NDArray c = constant(x, value)) {
      return x.add(c);
    }
  }

  /** {@code x − value}. */
  public static NDArray sub(NDArray x, float value) {
    try (NDArray c = constant(x, value)) {
      return x.sub(c);
    }
  }

  /** {@code value − x}. */
  public static NDArray rsub(float value, NDArray x) {
    try (NDArray c = constant(x, value)) {
      return c.sub(x);
    }
  }

  /** {@code x ^ exponent}. */
  public static NDArray pow(NDArray x, float exponent) {
    try (NDArray c = constant(x, exponent)) {
      return x.pow(c);
    }
  }

  /** Element-wise {@code max(x, value)}. */
  public static NDArray maximum(NDArray x, float value) {
    try (NDArray c = constant(x, value)) {
      return x.maximum(c);
    }
  }

  /** Element-wise {@code min(x, value)}. */
  public static NDArray minimum(NDArray x, float value) {
    try (NDArray c = constant(x, value)) {
      return x.minimum(c);
    }
  }

  /** Boolean mask {@code x > value} (not differentiable). */
  public static NDArray gt(NDArray x, float value) {
    try (NDArray c = constant(x, value)) {
      return x.gt(c);
    }
  }

  /** Boolean mask {@code x ≤ value} (not differentiable). */
  public static NDArray lte(NDArray x, float value) {
    try (NDArray c = constant(x, value)) {
      return x.lte(c);
    }
  }
}
