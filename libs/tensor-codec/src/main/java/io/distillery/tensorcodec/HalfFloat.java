package io.distillery.tensorcodec;

/**
 * IEEE 754 binary16 ("half", fp16) conversions, since Java 17 has no {@code Float.floatToFloat16}.
 *
 * <p>{@link #fromFloat} rounds to nearest, ties to even, as IEEE 754 and Java 20's {@code
 * Float.floatToFloat16} do: results below half the smallest subnormal (2⁻²⁵) become signed zero,
 * results of at least 65520 in magnitude become infinity, NaN stays NaN (quiet, with the top
 * payload bits kept). {@link #toFloat} is exact.
 */
public final class HalfFloat {

  /** Largest finite half, 65504. */
  public static final float MAX_VALUE = 65504f;

  private static final float[] TO_FLOAT = new float[1 << 16];

  static {
    for (int h = 0; h < TO_FLOAT.length; h++) {
      TO_FLOAT[h] = convertToFloat((short) h);
    }
  }

  private HalfFloat() {}

  /** The half nearest to {@code f} (ties to even), as its 16 bits. */
  public static short fromFloat(float f) {
    int bits = Float.floatToRawIntBits(f);
    int sign = (bits >>> 16) & 0x8000;
    int exponent = (bits >>> 23) & 0xff;
    int mantissa = bits & 0x7fffff;

    if (exponent == 0xff) {
      // Keep NaN payload bits where they fit, and force the quiet bit so a NaN never becomes Inf.
      return (short) (mantissa == 0 ? sign | 0x7c00 : sign | 0x7e00 | (mantissa >>> 13));
    }
    int e = exponent - 127;
    if (e > 15) {
      return (short) (sign | 0x7c00);
    }
    if (e >= -14) {
      int half = ((e + 15) << 10) | (mantissa >>> 13);
      int rest = mantissa & 0x1fff;
      if (rest > 0x1000 || (rest == 0x1000 && (half & 1) != 0)) {
        // A carry out of the mantissa correctly bumps the exponent, up to 0x7c00 = infinity.
        half++;
      }
      return (short) (sign | half);
    }
    if (e >= -25) {
      // Subnormal half: value = m · 2^-24 with m = significand · 2^(e+1).
      int significand = mantissa | 0x800000;
      int shift = -e - 1;
      int half = significand >>> shift;
      int rest = significand & ((1 << shift) - 1);
      int halfway = 1 << (shift - 1);
      if (rest > halfway || (rest == halfway && (half & 1) != 0)) {
        half++;
      }
      return (short) (sign | half);
    }
    return (short) sign;
  }

  /** The exact float value of the half with bits {@code h}. */
  public static float toFloat(short h) {
    return TO_FLOAT[h & 0xffff];
  }

  private static float convertToFloat(short h) {
    int bits = h & 0xffff;
    int sign = (bits & 0x8000) << 16;
    int exponent = (bits >>> 10) & 0x1f;
    int mantissa = bits & 0x3ff;
    if (exponent == 0) {
      float magnitude = mantissa * 0x1p-24f;
      return sign == 0 ? magnitude : -magnitude;
    }
    if (exponent == 0x1f) {
      return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
    }
    return Float.intBitsToFloat(sign | ((exponent - 15 + 127) << 23) | (mantissa << 13));
  }
}
