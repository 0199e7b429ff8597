package io.distillery.tensorcodec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FeatureEncodingTest {

  @Test
  void fp16RoundTripsHandCheckedValuesUnderEveryCompression() {
    float[] data = {1f, -2f, 0.1f, 65504f, Float.POSITIVE_INFINITY, Float.NaN};
    long[] shape = {2, 3};
    for (Compression compression :
        new Compression[] {
          Compression.NONE, Compression.DEFLATE, Compression.BYTE_SHUFFLE_DEFLATE
        }) {
      DecodedTensor decoded =
          TensorCodec.decode(
              TensorCodec.encodeFeatures(
                  data, shape, new FeatureEncoding(Quantisation.FLOAT16, compression, 6)));
      // 0.1 → the nearest half, 0x2e66 = 0.0999755859375.
      assertThat(decoded.data())
          .as("%s", compression)
          .containsExactly(1f, -2f, 0.0999755859375f, 65504f, Float.POSITIVE_INFINITY, Float.NaN);
      assertThat(decoded.kind()).isEqualTo(TensorKind.FEATURES);
    }
  }

  @Test
  void fp16RefusesFiniteValuesBeyondItsRange() {
    assertThatThrownBy(
            () ->
                TensorCodec.encodeFeatures(
                    new float[] {1f, 70000f}, new long[] {1, 2}, FeatureEncoding.float16()))
        .isInstanceOf(TensorCodecException.class)
        .hasMessageContaining("70000")
        .hasMessageContaining("index 1")
        .hasMessageContaining("fp16 range");
  }

  @Test
  void fp16StaysWithinHalfAnUlp() {
    SplittableRandom random = new SplittableRandom(5);
    float[] data = new float[4096];
    for (int i = 0; i < data.length; i++) {
      data[i] = (float) (random.nextGaussian() * 10);
    }
    float[] decoded =
        TensorCodec.decode(
                TensorCodec.encodeFeatures(
                    data,
                    new long[] {4, 1024},
                    new FeatureEncoding(Quantisation.FLOAT16, Compression.BYTE_SHUFFLE_DEFLATE, 6)))
            .data();
    for (int i = 0; i < data.length; i++) {
      double error = Math.abs(decoded[i] - data[i]);
      double bound = Math.max(Math.abs(data[i]) * 0x1p-11, 0x1p-25);
      assertThat(error).isLessThanOrEqualTo(bound);
    }
  }

  @Test
  void affineRoundTripsHandCheckedValues() {
    // Channel 0 spans [-1, 1.55]: scale 0.01, so 0 → q 100, 1 → q 200. Channel 1 is constant.
    float[] data = {-1f, 0f, 1.55f, 1f, 3f, 3f, 3f, 3f};
    long[] shape = {2, 2, 2};
    for (Compression compression : new Compression[] {Compression.NONE, Compression.DEFLATE}) {
      DecodedTensor decoded =
          TensorCodec.decode(
              TensorCodec.encodeFeatures(
                  data,
                  shape,
                  new FeatureEncoding(Quantisation.AFFINE_8BIT_PER_CHANNEL, compression, 6)));
      assertThat(decoded.header().channelOffsets()).containsExactly(-1f, 3f);
      assertThat(decoded.header().channelScales()[0]).isCloseTo(0.01f, within(1e-7f));
      assertThat(decoded.header().channelScales()[1]).isZero();
      float[] values = decoded.data();
      assertThat(values[0]).isEqualTo(-1f);
      assertThat(values[1]).isCloseTo(0f, within(1e-6f));
      assertThat(values[2]).isCloseTo(1.55f, within(1e-6f));
      assertThat(values[3]).isCloseTo(1f, within(1e-6f));
      assertThat(new float[] {values[4], values[5], values[6], values[7]})
          .containsExactly(3f, 3f, 3f, 3f);
    }
  }

  @Test
  void affineStaysWithinHalfAStepPerChannel() {
    SplittableRandom random = new SplittableRandom(9);
    int channels = 4;
    int n = 2000;
    float[] data = new float[channels * n];
    for (int c = 0; c < channels; c++) {
      double spread = Math.pow(10, c - 1); // channels with very different ranges
      for (int i = 0; i < n; i++) {
        data[c * n + i] = (float) Math.max(0, random.nextGaussian() * spread + spread / 2);
      }
    }
    DecodedTensor decoded =
        TensorCodec.decode(
            TensorCodec.encodeFeatures(
                data, new long[] {channels, n}, FeatureEncoding.affine8Bit()));
    float[] scales = decoded.header().channelScales();
    for (int c = 0; c < channels; c++) {
      for (int i = 0; i < n; i++) {
        double error = Math.abs(decoded.data()[c * n + i] - data[c * n + i]);
        assertThat(error)
            .isLessThanOrEqualTo(scales[c] / 2.0 * (1 + 1e-5) + Math.ulp(data[c * n + i]));
      }
    }
    assertThat(decoded.header().maxQuantisationError()).isEqualTo(scales[3] / 2.0);
  }

  @Test
  void affineRefusesNonFiniteValuesAndHugeRanges() {
    assertThatThrownBy(
            () ->
                TensorCodec.encodeFeatures(
                    new float[] {0f, Float.NaN}, new long[] {1, 2}, FeatureEncoding.affine8Bit()))
        .isInstanceOf(TensorCodecException.class)
        .hasMessageContaining("index 1");
    assertThatThrownBy(
            () ->
                TensorCodec.encodeFeatures(
                    new float[] {-3e38f, 3e38f}, new long[] {1, 2}, FeatureEncoding.affine8Bit()))
        .isInstanceOf(TensorCodecException.class)
        .hasMessageContaining("exceeds float");
  }

  @Test
  void affineRefusesMoreChannelsThanTheHeaderCanHold() {
    int channels = 10_000;
    assertThatThrownBy(
            () ->
                TensorCodec.encodeFeatures(
                    new float[channels], new long[] {channels, 1}, FeatureEncoding.affine8Bit()))
        .isInstanceOf(TensorCodecException.class)
        .hasMessageContaining("too many channels");
  }

  private static org.assertj.core.data.Offset<Float> within(float tolerance) {
    return org.assertj.core.data.Offset.offset(tolerance);
  }
}
