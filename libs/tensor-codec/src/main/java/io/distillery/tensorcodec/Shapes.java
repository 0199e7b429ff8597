package io.distillery.tensorcodec;

import java.util.Arrays;

/** Shape validation shared by the encoder and the header parser. */
final class Shapes {

  private Shapes() {}

  /** The product of the dimensions, refusing bad ranks, dimensions below 1 and overflow. */
  static long checkedElementCount(long[] shape) {
    if (shape == null || shape.length < 1 || shape.length > TensorHeader.MAX_RANK) {
      throw new TensorCodecException(
          "rank must be 1.." + TensorHeader.MAX_RANK + ", shape " + Arrays.toString(shape));
    }
    long n = 1;
    for (long d : shape) {
      if (d < 1) {
        throw new TensorCodecException(
            "dimension " + d + " < 1 in shape " + Arrays.toString(shape));
      }
      try {
        n = Math.multiplyExact(n, d);
      } catch (ArithmeticException e) {
        throw new TensorCodecException(
            "element count of shape " + Arrays.toString(shape) + " overflows 64 bits", e);
      }
    }
    return n;
  }
}
