package io.distillery.tensorcodec;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.math.BigDecimal;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

class HalfFloatTest {

  private static int half(float f) {
    return HalfFloat.fromFloat(f) & 0xffff;
  }

  @Test
  void encodesHandCheckedValues() {
    assertThat(half(0f)).isEqualTo(0x0000);
    assertThat(half(-0f)).isEqualTo(0x8000);
    assertThat(half(1f)).isEqualTo(0x3c00);
    assertThat(half(-2f)).isEqualTo(0xc000);
    assertThat(half(0.5f)).isEqualTo(0x3800);
    assertThat(half(65504f)).isEqualTo(0x7bff);
    assertThat(half(0x1p-14f)).as("smallest normal").isEqualTo(0x0400);
    assertThat(half(1023 * 0x1p-24f)).as("largest subnormal").isEqualTo(0x03ff);
    assertThat(half(0x1p-24f)).as("smallest subnormal").isEqualTo(0x0001);
  }

  @Test
  void roundsToNearestTiesToEven() {
    // 1 + 2^-11 lies halfway between 1 (even mantissa) and 1 + 2^-10 (odd): to even.
    assertThat(half(1f + 0x1p-11f)).isEqualTo(0x3c00);
    // 1 + 3·2^-11 lies halfway between mantissa 1 (odd) and 2 (even): up to even.
    assertThat(half(1f + 3 * 0x1p-11f)).isEqualTo(0x3c02);
    // Just above a tie rounds up, just below rounds down.
    assertThat(half(Math.nextUp(1f + 0x1p-11f))).isEqualTo(0x3c01);
    assertThat(half(Math.nextDown(1f + 3 * 0x1p-11f))).isEqualTo(0x3c01);
    // Carry out of the mantissa into the exponent: 2 − 2^-12 rounds to 2.
    assertThat(half(2f - 0x1p-12f)).isEqualTo(0x4000);
  }

  @Test
  void handlesSubnormalsAndUnderflow() {
    assertThat(half(0x1p-25f)).as("half the smallest subnormal: tie to even zero").isEqualTo(0);
    assertThat(half(Math.nextUp(0x1p-25f))).isEqualTo(0x0001);
    assertThat(half(3 * 0x1p-25f)).as("tie between 1 and 2 subnormal steps").isEqualTo(0x0002);
    assertThat(half(5 * 0x1p-25f)).as("tie between 2 and 3 subnormal steps").isEqualTo(0x0002);
    assertThat(half(-0x1p-26f)).isEqualTo(0x8000);
    assertThat(half(Float.MIN_VALUE)).as("float subnormal").isEqualTo(0x0000);
    assertThat(half(1023.5f * 0x1p-24f)).as("rounds up into the smallest normal").isEqualTo(0x0400);
  }

  @Test
  void handlesOverflowInfinityAndNan() {
    assertThat(half(65519.996f)).isEqualTo(0x7bff);
    assertThat(half(65520f)).as("halfway to 2^16 rounds to infinity").isEqualTo(0x7c00);
    assertThat(half(1e6f)).isEqualTo(0x7c00);
    assertThat(half(-1e6f)).isEqualTo(0xfc00);
    assertThat(half(Float.POSITIVE_INFINITY)).isEqualTo(0x7c00);
    assertThat(half(Float.NEGATIVE_INFINITY)).isEqualTo(0xfc00);
    int nan = half(Float.NaN);
    assertThat(nan & 0x7c00).isEqualTo(0x7c00);
    assertThat(nan & 0x03ff).isNotZero();
    // A NaN whose payload sits only in the low float bits must not become infinity.
    assertThat(half(Float.intBitsToFloat(0x7f800001)) & 0x03ff).isNotZero();
    assertThat(HalfFloat.toFloat((short) 0x7c00)).isEqualTo(Float.POSITIVE_INFINITY);
    assertThat(HalfFloat.toFloat((short) 0xfc00)).isEqualTo(Float.NEGATIVE_INFINITY);
    assertThat(HalfFloat.toFloat((short) nan)).isNaN();
  }

  @Test
  void decodesExactlyAndRoundTripsEveryHalf() {
    assertThat(HalfFloat.toFloat((short) 0x0001)).isEqualTo(0x1p-24f);
    assertThat(HalfFloat.toFloat((short) 0x3555)).isEqualTo(0.333251953125f);
    assertThat(HalfFloat.toFloat((short) 0x8000)).isEqualTo(-0f);
    for (int h = 0; h < 1 << 16; h++) {
      float f = HalfFloat.toFloat((short) h);
      if (Float.isNaN(f)) {
        assertThat(half(f) & 0x7c00).isEqualTo(0x7c00);
        assertThat(half(f) & 0x03ff).isNotZero();
      } else {
        assertThat(half(f)).as("half 0x%04x", h).isEqualTo(h);
      }
    }
  }

  @Test
  void matchesAnExactNearestEvenReferenceOnRandomFloats() {
    double[] halves = new double[0x7c00]; // all finite non-negative halves, increasing
    for (int h = 0; h < halves.length; h++) {
      halves[h] = HalfFloat.toFloat((short) h);
    }
    SplittableRandom random = new SplittableRandom(7);
    for (int k = 0; k < 200_000; k++) {
      // Mostly the interesting range of exponents, some arbitrary bit patterns.
      float f =
          k % 4 == 0
              ? Float.intBitsToFloat(random.nextInt())
              : (float)
                  ((random.nextBoolean() ? 1 : -1)
                      * Math.scalb(random.nextDouble(), random.nextInt(-27, 18)));
      if (Float.isNaN(f)) {
        continue;
      }
      assertThat(half(f)).as("float %s", f).isEqualTo(referenceHalf(f, halves));
    }
  }

  /** Nearest half by exact decimal arithmetic over the table of all halves, ties to even. */
  private static int referenceHalf(float f, double[] halves) {
    int sign = (Float.floatToRawIntBits(f) >>> 16) & 0x8000;
    BigDecimal x = new BigDecimal(Math.abs((double) f));
    if (x.compareTo(new BigDecimal(65520)) >= 0) {
      return sign | 0x7c00;
    }
    int lo = 0;
    int hi = halves.length - 1;
    while (lo < hi) { // largest h with halves[h] <= x
      int mid = (lo + hi + 1) >>> 1;
      if (new BigDecimal(halves[mid]).compareTo(x) <= 0) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    if (lo == halves.length - 1) {
      return sign | lo; // between 65504 and the overflow threshold
    }
    BigDecimal below = x.subtract(new BigDecimal(halves[lo]));
    BigDecimal above = new BigDecimal(halves[lo + 1]).subtract(x);
    int cmp = below.compareTo(above);
    int nearest = cmp < 0 ? lo : cmp > 0 ? lo + 1 : (lo % 2 == 0 ? lo : lo + 1);
    return sign | nearest;
  }

  @Test
  void agreesWithTheJdkWhereTheJdkHasIt() throws Throwable {
    MethodHandle jdk = jdkFloatToFloat16();
    SplittableRandom random = new SplittableRandom(11);
    for (int k = 0; k < 2_000_000; k++) {
      float f = Float.intBitsToFloat(random.nextInt());
      compareWithJdk(jdk, f);
    }
  }

  /** All 2^32 float bit patterns; run with a JDK ≥ 20 (JAVA_HOME), e.g. Temurin 25. */
  @Test
  @Tag("heavy")
  void agreesWithTheJdkOnEveryFloat() throws Throwable {
    MethodHandle jdk = jdkFloatToFloat16();
    for (long bits = 0; bits <= 0xffffffffL; bits++) {
      compareWithJdk(jdk, Float.intBitsToFloat((int) bits));
    }
  }

  private static MethodHandle jdkFloatToFloat16() {
    try {
      return MethodHandles.publicLookup()
          .findStatic(
              Float.class, "floatToFloat16", MethodType.methodType(short.class, float.class));
    } catch (NoSuchMethodException | IllegalAccessException e) {
      Assumptions.abort(
          "Float.floatToFloat16 needs JDK 20+; this JVM is " + Runtime.version() + ": skipped");
      return null;
    }
  }

  private static void compareWithJdk(MethodHandle jdk, float f) throws Throwable {
    short expected = (short) jdk.invokeExact(f);
    short actual = HalfFloat.fromFloat(f);
    if (Float.isNaN(f)) {
      if ((actual & 0x7c00) != 0x7c00 || (actual & 0x03ff) == 0) {
        assertThat(actual & 0xffff)
            .as("NaN 0x%08x", Float.floatToRawIntBits(f))
            .isEqualTo(expected & 0xffff);
      }
    } else if (expected != actual) {
      assertThat(actual & 0xffff)
          .as("float bits 0x%08x", Float.floatToRawIntBits(f))
          .isEqualTo(expected & 0xffff);
    }
  }
}
