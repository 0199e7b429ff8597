package io.distillery.tensorcodec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;

/** Corrupt, truncated and hostile records must fail with a typed exception, never OOM. */
class CorruptionTest {

  private static byte[] sampleRecord(Quantisation q, Compression c) {
    float[] data = new float[2 * 4 * 5];
    for (int i = 0; i < data.length; i++) {
      data[i] = i % 7 == 0 ? 0.3f : (i / 9) % 2;
    }
    long[] shape = {2, 4, 5};
    return q.kind() == TensorKind.PROBABILITIES
        ? TensorCodec.encodeProbabilities(data, shape, new ProbabilityEncoding(q, c, 6))
        : TensorCodec.encodeFeatures(data, shape, new FeatureEncoding(q, c, 6));
  }

  private static byte[][] allSampleRecords() {
    return new byte[][] {
      sampleRecord(Quantisation.UNIT_INTERVAL_8BIT, Compression.RUN_LENGTH_DEFLATE),
      sampleRecord(Quantisation.UNIT_INTERVAL_8BIT, Compression.NONE),
      sampleRecord(Quantisation.UNIT_INTERVAL_4BIT, Compression.DEFLATE),
      sampleRecord(Quantisation.FLOAT16, Compression.BYTE_SHUFFLE_DEFLATE),
      sampleRecord(Quantisation.AFFINE_8BIT_PER_CHANNEL, Compression.NONE),
    };
  }

  @Test
  void detectsEverySingleBitFlip() {
    for (byte[] record : allSampleRecords()) {
      assertThat(TensorCodec.decode(record).data()).hasSize(40);
      for (int i = 0; i < record.length; i++) {
        for (int bit = 0; bit < 8; bit += 3) {
          byte[] corrupt = record.clone();
          corrupt[i] ^= (byte) (1 << bit);
          assertThatThrownBy(() -> TensorCodec.decode(corrupt))
              .as("flip of bit %d in byte %d", bit, i)
              .isInstanceOf(TensorCodecException.class);
        }
      }
    }
  }

  @Test
  void detectsTruncationAtEveryLengthFromBytesAndStreams() {
    for (byte[] record : allSampleRecords()) {
      for (int length = 0; length < record.length; length++) {
        byte[] truncated = Arrays.copyOf(record, length);
        assertThatThrownBy(() -> TensorCodec.decode(truncated))
            .as("truncated to %d bytes", length)
            .isInstanceOf(TensorCodecException.class)
            .hasMessageContaining("truncated");
        assertThatThrownBy(() -> TensorCodec.decode(new ByteArrayInputStream(truncated)))
            .as("stream truncated to %d bytes", length)
            .isInstanceOf(TensorCodecException.class)
            .hasMessageContaining("truncated");
      }
    }
  }

  @Test
  void refusesTrailingBytesAndForeignData() {
    byte[] record = allSampleRecords()[0];
    assertThatThrownBy(() -> TensorCodec.decode(Arrays.copyOf(record, record.length + 1)))
        .isInstanceOf(TensorCodecException.class)
        .hasMessageContaining("trailing bytes");
    assertThatThrownBy(() -> TensorCodec.decode("not a tensor at all".getBytes()))
        .isInstanceOf(TensorCodecException.class)
        .hasMessageContaining("bad magic");
  }

  @Test
  void refusesOtherFormatVersions() {
    byte[] record = allSampleRecords()[0];
    ByteBuffer.wrap(record).order(ByteOrder.LITTLE_ENDIAN).putShort(4, (short) 2);
    assertThatThrownBy(() -> TensorCodec.decode(record))
        .isInstanceOf(TensorCodecException.class)
        .hasMessageContaining("unsupported format version 2");
  }

  @Test
  void refusesHugeDeclaredShapesBeforeAllocating() {
    byte[] record =
        hostile(
            Quantisation.UNIT_INTERVAL_8BIT,
            Compression.RUN_LENGTH_DEFLATE,
            new long[] {1, 1L << 20, 1L << 20},
            payloadWithTable(new long[][] {{10, 20}}, new byte[10]));
    assertThatThrownBy(() -> TensorCodec.decode(record))
        .isInstanceOf(TensorCodecException.class)
        .hasMessageContaining("exceed the limit");
    assertThatThrownBy(() -> TensorCodec.decode(new ByteArrayInputStream(record)))
        .isInstanceOf(TensorCodecException.class)
        .hasMessageContaining("exceed the limit");
  }

  @Test
  void refusesOverflowingShapes() {
    byte[] record =
        hostile(
            Quantisation.UNIT_INTERVAL_8BIT,
            Compression.NONE,
            new long[] {1L << 40, 1L << 40},
            new byte[0]);
    assertThatThrownBy(() -> TensorCodec.decode(record))
        .isInstanceOf(TensorCodecException.class)
        .hasMessageContaining("overflows");
    byte[] negative =
        hostile(Quantisation.UNIT_INTERVAL_8BIT, Compression.NONE, new long[] {1, -4}, new byte[0]);
    assertThatThrownBy(() -> TensorCodec.decode(negative))
        .isInstanceOf(TensorCodecException.class)
        .hasMessageContaining("dimension -4");
  }

  @Test
  void readsHugeDeclaredPayloadsLazilyFromStreams() {
    TensorHeader header =
        new TensorHeader(
            1,
            TensorKind.PROBABILITIES,
            Quantisation.UNIT_INTERVAL_8BIT,
            Compression.NONE,
            new long[] {1, 1000},
            new float[0],
            new float[0],
            DecodeLimits.ARRAY_LIMIT,
            0);
    byte[] headerBytes = HeaderFormat.write(header);
    byte[] record = Arrays.copyOf(headerBytes, headerBytes.length + 100);
    DecodeLimits generous = new DecodeLimits(1000, DecodeLimits.ARRAY_LIMIT);
    // The stream ends 100 bytes in: the decoder must notice without allocating ~2 GiB first.
    InputStream in = new ByteArrayInputStream(record);
    assertThatThrownBy(() -> TensorCodec.decode(in, generous))
        .isInstanceOf(TensorCodecException.class)
        .hasMessageContaining("truncated payload: 100 of");
    assertThatThrownBy(() -> TensorCodec.decode(record))
        .isInstanceOf(TensorCodecException.class)
        .hasMessageContaining("exceeds the limit");
  }

  @Test
  void refusesChannelTablesThatLie() {
    long[] shape = {1, 100};
    // Stored length beyond the payload.
    byte[] beyond =
        hostile(
            Quantisation.UNIT_INTERVAL_8BIT,
            Compression.DEFLATE,
            shape,
            payloadWithTable(new long[][] {{1000, 100}}, new byte[8]));
    assertThatThrownBy(() -> TensorCodec.decode(beyond))
        .isInstanceOf(TensorCodecException.class)
        .hasMessageContaining("exceed the payload");
    // Raw length that does not match 100 8-bit values.
    byte[] wrongRaw =
        hostile(
            Quantisation.UNIT_INTERVAL_8BIT,
            Compression.DEFLATE,
            shape,
            payloadWithTable(new long[][] {{8, 99}}, new byte[8]));
    assertThatThrownBy(() -> TensorCodec.decode(wrongRaw))
        .isInstanceOf(TensorCodecException.class)
        .hasMessageContaining("declares 8 stored / 99 raw");
    // A raw length no Deflate stream of 8 bytes can produce (a "zip bomb" claim).
    byte[] bomb =
        hostile(
            Quantisation.UNIT_INTERVAL_8BIT,
            Compression.RUN_LENGTH_DEFLATE,
            new long[] {1, 1_000_000},
            payloadWithTable(new long[][] {{8, 2_000_000}}, new byte[8]));
    assertThatThrownBy(() -> TensorCodec.decode(bomb))
        .isInstanceOf(TensorCodecException.class)
        .hasMessageContaining("corrupt payload: channel 0");
    // Stored lengths near 2^63 whose sum wraps around to exactly the payload length.
    long big = Long.MAX_VALUE;
    long payloadLength = 3 * 16 + 4;
    long third = payloadLength - 3 * 16 - 2 * big; // ≡ payloadLength − 48 − 2·big (mod 2^64)
    byte[] wrap =
        hostile(
            Quantisation.UNIT_INTERVAL_8BIT,
            Compression.DEFLATE,
            new long[] {3, 1},
            payloadWithTable(new long[][] {{big, 1}, {big, 1}, {third, 1}}, new byte[4]));
    assertThatThrownBy(() -> TensorCodec.decode(wrap))
        .isInstanceOf(TensorCodecException.class)
        .hasMessageContaining("corrupt payload");
    // Table larger than the payload (many channels, tiny payload).
    byte[] table =
        hostile(
            Quantisation.UNIT_INTERVAL_8BIT,
            Compression.NONE,
            new long[] {1_000_000, 1},
            new byte[16]);
    assertThatThrownBy(() -> TensorCodec.decode(table))
        .isInstanceOf(TensorCodecException.class)
        .hasMessageContaining("cannot hold a table");
  }

  @Test
  void refusesRunLengthStreamsThatDoNotMatchTheShape() {
    long[] shape = {1, 10};
    // A run of 11 zeros for 10 values.
    assertThatThrownBy(() -> TensorCodec.decode(runLengthRecord(shape, 15, 0x00, 0x0a)))
        .isInstanceOf(TensorCodecException.class)
        .hasMessageContaining("more than the declared 10");
    // Only 3 values for 10.
    assertThatThrownBy(() -> TensorCodec.decode(runLengthRecord(shape, 255, 0x00, 0x02)))
        .isInstanceOf(TensorCodecException.class)
        .hasMessageContaining("gives 3 of 10");
    // A run length whose LEB128 never ends.
    assertThatThrownBy(
            () ->
                TensorCodec.decode(
                    runLengthRecord(shape, 255, 0x00, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01)))
        .isInstanceOf(TensorCodecException.class)
        .hasMessageContaining("overlong run length");
    // A 4-bit literal above level 15.
    assertThatThrownBy(() -> TensorCodec.decode(runLengthRecord(shape, 15, 0x20, 0x00, 0x08)))
        .isInstanceOf(TensorCodecException.class)
        .hasMessageContaining("exceeds level 15");
    // The same stream shapes decode fine when consistent: 10 zeros at 4 bits.
    assertThat(TensorCodec.decode(runLengthRecord(shape, 15, 0x00, 0x09)).data())
        .containsOnly(0f)
        .hasSize(10);
  }

  @Test
  void refusesCorruptDeflateStreamsWithValidChecksums() {
    byte[] garbage = {0x78, (byte) 0x9c, (byte) 0xff, (byte) 0xff, 0x00, 0x01, 0x02, 0x03};
    byte[] record =
        hostile(
            Quantisation.UNIT_INTERVAL_8BIT,
            Compression.DEFLATE,
            new long[] {1, 100},
            payloadWithTable(new long[][] {{garbage.length, 100}}, garbage));
    assertThatThrownBy(() -> TensorCodec.decode(record))
        .isInstanceOf(TensorCodecException.class)
        .hasMessageContaining("channel 0");
  }

  /** A record with a run-length channel whose token stream is {@code tokens}. */
  private static byte[] runLengthRecord(long[] shape, int maxLevel, int... tokens) {
    byte[] raw = new byte[tokens.length];
    for (int i = 0; i < tokens.length; i++) {
      raw[i] = (byte) tokens[i];
    }
    Deflater deflater = new Deflater();
    deflater.setInput(raw);
    deflater.finish();
    byte[] buffer = new byte[256];
    int length = deflater.deflate(buffer);
    deflater.end();
    byte[] stored = Arrays.copyOf(buffer, length);
    return hostile(
        maxLevel == 255 ? Quantisation.UNIT_INTERVAL_8BIT : Quantisation.UNIT_INTERVAL_4BIT,
        Compression.RUN_LENGTH_DEFLATE,
        shape,
        payloadWithTable(new long[][] {{stored.length, raw.length}}, stored));
  }

  private static byte[] payloadWithTable(long[][] entries, byte[] blocks) {
    ByteBuffer b =
        ByteBuffer.allocate(16 * entries.length + blocks.length).order(ByteOrder.LITTLE_ENDIAN);
    for (long[] entry : entries) {
      b.putLong(entry[0]).putLong(entry[1]);
    }
    b.put(blocks);
    return b.array();
  }

  /** A record with valid checksums around whatever header fields and payload it is given. */
  private static byte[] hostile(Quantisation q, Compression c, long[] shape, byte[] payload) {
    CRC32 crc = new CRC32();
    crc.update(payload);
    TensorHeader header =
        new TensorHeader(
            1,
            q.kind(),
            q,
            c,
            shape,
            new float[0],
            new float[0],
            payload.length,
            (int) crc.getValue());
    byte[] headerBytes = HeaderFormat.write(header);
    byte[] record = Arrays.copyOf(headerBytes, headerBytes.length + payload.length);
    System.arraycopy(payload, 0, record, headerBytes.length, payload.length);
    return record;
  }
}
