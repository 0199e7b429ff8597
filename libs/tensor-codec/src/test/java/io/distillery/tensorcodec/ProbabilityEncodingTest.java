package io.distillery.tensorcodec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ProbabilityEncodingTest {

  private static final float[] HAND = {0f, 1f, 0.5f, 0.2f, 1f / 255, 0.998f};
  private static final long[] HAND_SHAPE = {1, 1, 2, 3};

  @Test
  void roundTripsHandCheckedValuesAt8Bits() {
    for (Compression compression :
        new Compression[] {Compression.NONE, Compression.DEFLATE, Compression.RUN_LENGTH_DEFLATE}) {
      ProbabilityEncoding encoding =
          new ProbabilityEncoding(Quantisation.UNIT_INTERVAL_8BIT, compression, 6);
      DecodedTensor decoded =
          TensorCodec.decode(TensorCodec.encodeProbabilities(HAND, HAND_SHAPE, encoding));
      // round(0.5·255) = round(127.5) = 128; round(0.998·255) = round(254.49) = 254.
      assertThat(decoded.data())
          .as("%s", compression)
          .containsExactly(0f, 1f, 128 / 255f, 51 / 255f, 1 / 255f, 254 / 255f);
      assertThat(decoded.shape()).containsExactly(HAND_SHAPE);
      assertThat(decoded.kind()).isEqualTo(TensorKind.PROBABILITIES);
    }
  }

  @Test
  void roundTripsHandCheckedValuesAt4Bits() {
    for (Compression compression :
        new Compression[] {Compression.NONE, Compression.DEFLATE, Compression.RUN_LENGTH_DEFLATE}) {
      ProbabilityEncoding encoding =
          new ProbabilityEncoding(Quantisation.UNIT_INTERVAL_4BIT, compression, 6);
      DecodedTensor decoded =
          TensorCodec.decode(TensorCodec.encodeProbabilities(HAND, HAND_SHAPE, encoding));
      // round(0.5·15) = 8, round(0.2·15) = 3, round(15/255) = 0, round(0.998·15) = 15.
      assertThat(decoded.data())
          .as("%s", compression)
          .containsExactly(0f, 1f, 8 / 15f, 3 / 15f, 0f, 1f);
    }
  }

  @Test
  void runLengthTokensAreAsSpecified() {
    byte[] levels = {0, 0, 0, (byte) 255, 7, (byte) 255, (byte) 255};
    assertThat(ProbabilityChannels.runLengthEncode(levels, 255))
        .containsExactly(0x00, 0x02, 0xff, 0x00, 0x07, 0xff, 0x01);
    // A run of 300 zeros: marker 0, then 299 = 0b10_0101011 as LEB128: 0xAB 0x02.
    assertThat(ProbabilityChannels.runLengthEncode(new byte[300], 255))
        .containsExactly(0x00, 0xab, 0x02);
    // At 4 bits the top level is 15, and 255 is not a marker.
    assertThat(ProbabilityChannels.runLengthEncode(new byte[] {15, 15, 3}, 15))
        .containsExactly(0x0f, 0x01, 0x03);
  }

  @ParameterizedTest
  @EnumSource(
      value = Compression.class,
      names = {"NONE", "DEFLATE", "RUN_LENGTH_DEFLATE"})
  void staysWithinTheStatedErrorBound(Compression compression) {
    SplittableRandom random = new SplittableRandom(3);
    long[] shape = {3, 5, 7, 9}; // odd sizes exercise the 4-bit padding nibble
    float[] data = new float[3 * 5 * 7 * 9];
    for (int i = 0; i < data.length; i++) {
      // A mix of exact extremes (runs), near-extremes and arbitrary values.
      int kind = random.nextInt(4);
      data[i] =
          kind == 0
              ? 0f
              : kind == 1
                  ? 1f
                  : kind == 2 ? (float) random.nextDouble(0, 0.01) : (float) random.nextDouble();
    }
    for (Quantisation q :
        new Quantisation[] {Quantisation.UNIT_INTERVAL_8BIT, Quantisation.UNIT_INTERVAL_4BIT}) {
      byte[] encoded =
          TensorCodec.encodeProbabilities(data, shape, new ProbabilityEncoding(q, compression, 9));
      DecodedTensor decoded = TensorCodec.decode(encoded);
      double bound = decoded.header().maxQuantisationError();
      assertThat(bound).isEqualTo(q == Quantisation.UNIT_INTERVAL_8BIT ? 0.5 / 255 : 0.5 / 15);
      for (int i = 0; i < data.length; i++) {
        assertThat((double) Math.abs(decoded.data()[i] - data[i]))
            .isLessThanOrEqualTo(bound + 1e-7);
      }
    }
  }

  @Test
  void runLengthCodingExploitsTheNearZeroNearOneBulk() {
    // A soft sphere of radius 20 in 64³ with a sigmoid boundary one voxel wide.
    int size = 64;
    float[] data = new float[size * size * size];
    int i = 0;
    for (int z = 0; z < size; z++) {
      for (int y = 0; y < size; y++) {
        for (int x = 0; x < size; x++) {
          double r =
              Math.sqrt(
                  (x - 31.5) * (x - 31.5) + (y - 31.5) * (y - 31.5) + (z - 31.5) * (z - 31.5));
          data[i++] = (float) (1 / (1 + Math.exp(r - 20)));
        }
      }
    }
    long[] shape = {1, size, size, size};
    int none =
        TensorCodec.encodeProbabilities(
                data,
                shape,
                new ProbabilityEncoding(Quantisation.UNIT_INTERVAL_8BIT, Compression.NONE, 6))
            .length;
    int deflate =
        TensorCodec.encodeProbabilities(
                data,
                shape,
                new ProbabilityEncoding(Quantisation.UNIT_INTERVAL_8BIT, Compression.DEFLATE, 6))
            .length;
    byte[] runLength = TensorCodec.encodeProbabilities(data, shape, ProbabilityEncoding.standard());
    assertThat(none).isGreaterThan(data.length);
    assertThat(runLength.length).isLessThan(deflate);
    assertThat((double) runLength.length / data.length).isLessThan(0.1);
    DecodedTensor decoded = TensorCodec.decode(runLength);
    for (int k = 0; k < data.length; k++) {
      assertThat(Math.abs(decoded.data()[k] - data[k])).isLessThanOrEqualTo(0.5f / 255 + 1e-7f);
    }
  }

  @Test
  void encodesSeveralTeacherChannelsIndependently() {
    long[] shape = {2, 1, 2, 2};
    float[] data = {0f, 0f, 1f, 1f, 0.25f, 0.5f, 0.75f, 1f};
    DecodedTensor decoded =
        TensorCodec.decode(
            TensorCodec.encodeProbabilities(data, shape, ProbabilityEncoding.standard()));
    assertThat(decoded.header().channels()).isEqualTo(2);
    assertThat(decoded.data())
        .containsExactly(0f, 0f, 1f, 1f, 64 / 255f, 128 / 255f, 191 / 255f, 1f);
  }

  @Test
  void clampsTinyOvershootAndRefusesValuesOutsideTheUnitInterval() {
    long[] shape = {1, 2};
    assertThat(
            TensorCodec.decode(
                    TensorCodec.encodeProbabilities(
                        new float[] {1.000001f, -0.000001f}, shape, ProbabilityEncoding.standard()))
                .data())
        .containsExactly(1f, 0f);
    for (float bad : new float[] {1.1f, -0.01f, Float.NaN, Float.POSITIVE_INFINITY}) {
      assertThatThrownBy(
              () ->
                  TensorCodec.encodeProbabilities(
                      new float[] {0.5f, bad}, shape, ProbabilityEncoding.standard()))
          .isInstanceOf(TensorCodecException.class)
          .hasMessageContaining("index 1")
          .hasMessageContaining("outside [0, 1]");
    }
  }

  @Test
  void refusesShapesThatDoNotFitTheData() {
    ProbabilityEncoding standard = ProbabilityEncoding.standard();
    float[] four = new float[4];
    assertThatThrownBy(() -> TensorCodec.encodeProbabilities(four, new long[] {1, 5}, standard))
        .isInstanceOf(TensorCodecException.class)
        .hasMessageContaining("5 elements but data has 4");
    assertThatThrownBy(() -> TensorCodec.encodeProbabilities(four, new long[] {2, 0, 2}, standard))
        .isInstanceOf(TensorCodecException.class)
        .hasMessageContaining("dimension 0 < 1");
    assertThatThrownBy(() -> TensorCodec.encodeProbabilities(four, new long[0], standard))
        .isInstanceOf(TensorCodecException.class)
        .hasMessageContaining("rank");
    assertThatThrownBy(
            () -> TensorCodec.encodeProbabilities(four, new long[] {1L << 40, 1L << 40}, standard))
        .isInstanceOf(TensorCodecException.class)
        .hasMessageContaining("overflows");
  }

  @Test
  void refusesInvalidEncodingCombinations() {
    assertThatThrownBy(() -> new ProbabilityEncoding(Quantisation.FLOAT16, Compression.DEFLATE, 6))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                new ProbabilityEncoding(
                    Quantisation.UNIT_INTERVAL_8BIT, Compression.BYTE_SHUFFLE_DEFLATE, 6))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () -> new ProbabilityEncoding(Quantisation.UNIT_INTERVAL_8BIT, Compression.DEFLATE, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void streamsConcatenatedRecordsAndReadsHeadersAlone() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    TensorCodec.encodeProbabilities(HAND, HAND_SHAPE, ProbabilityEncoding.standard(), out);
    TensorCodec.encodeProbabilities(
        new float[] {1f, 0f}, new long[] {2, 1}, ProbabilityEncoding.fourBit(), out);
    ByteArrayInputStream in = new ByteArrayInputStream(out.toByteArray());

    DecodedTensor first = TensorCodec.decode(in);
    DecodedTensor second = TensorCodec.decode(in);
    assertThat(first.data()).hasSize(6).startsWith(0f, 1f);
    assertThat(second.data()).containsExactly(1f, 0f);
    assertThat(second.header().quantisation()).isEqualTo(Quantisation.UNIT_INTERVAL_4BIT);
    assertThat(in.available()).isZero();

    TensorHeader header =
        TensorCodec.readHeader(
            TensorCodec.encodeProbabilities(HAND, HAND_SHAPE, ProbabilityEncoding.standard()));
    assertThat(header.shape()).containsExactly(HAND_SHAPE);
    assertThat(header.version()).isEqualTo(1);
    assertThat(header.dtype()).isEqualTo("float32");
    assertThat(header.compression()).isEqualTo(Compression.RUN_LENGTH_DEFLATE);
  }
}
