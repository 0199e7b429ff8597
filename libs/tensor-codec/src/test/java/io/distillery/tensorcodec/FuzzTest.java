package io.distillery.tensorcodec;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

/**
 * Mutates valid records and then repairs both CRCs, so that the mutations reach the parser and the
 * decoders behind the checksums: every outcome must be a decoded tensor or a {@link
 * TensorCodecException}, never another exception or an allocation beyond the limits.
 */
class FuzzTest {

  private static final DecodeLimits SMALL = new DecodeLimits(1 << 16, 1 << 16);

  @Test
  void mutatedRecordsWithRepairedChecksumsFailOnlyWithTypedExceptions() {
    byte[][] seeds = {
      record(Quantisation.UNIT_INTERVAL_8BIT, Compression.RUN_LENGTH_DEFLATE),
      record(Quantisation.UNIT_INTERVAL_4BIT, Compression.RUN_LENGTH_DEFLATE),
      record(Quantisation.UNIT_INTERVAL_4BIT, Compression.NONE),
      record(Quantisation.UNIT_INTERVAL_8BIT, Compression.DEFLATE),
      record(Quantisation.FLOAT16, Compression.BYTE_SHUFFLE_DEFLATE),
      record(Quantisation.FLOAT16, Compression.NONE),
      record(Quantisation.AFFINE_8BIT_PER_CHANNEL, Compression.DEFLATE),
    };
    SplittableRandom random = new SplittableRandom(2024);
    int decoded = 0;
    int refused = 0;
    for (int k = 0; k < 30_000; k++) {
      byte[] mutant = seeds[random.nextInt(seeds.length)].clone();
      int edits = 1 + random.nextInt(3);
      for (int e = 0; e < edits; e++) {
        int at = random.nextInt(mutant.length);
        mutant[at] =
            random.nextInt(3) == 0
                ? (byte) random.nextInt(256)
                : (byte) (mutant[at] ^ (1 << random.nextInt(8)));
      }
      repairChecksums(mutant);
      try {
        DecodedTensor t = TensorCodec.decode(mutant, SMALL);
        assertThat((long) t.data().length).isEqualTo(t.header().elementCount());
        decoded++;
      } catch (TensorCodecException expected) {
        assertThat(expected.getMessage()).isNotBlank();
        refused++;
      }
    }
    // Both outcomes occur, so the mutations really reach the decoders.
    assertThat(decoded).isPositive();
    assertThat(refused).isPositive();
  }

  private static byte[] record(Quantisation q, Compression c) {
    SplittableRandom random = new SplittableRandom(q.ordinal() * 10L + c.ordinal());
    float[] data = new float[3 * 6 * 7];
    for (int i = 0; i < data.length; i++) {
      data[i] = random.nextInt(3) == 0 ? (float) random.nextDouble() : (i / 10) % 2;
    }
    long[] shape = {3, 6, 7};
    return q.kind() == TensorKind.PROBABILITIES
        ? TensorCodec.encodeProbabilities(data, shape, new ProbabilityEncoding(q, c, 6))
        : TensorCodec.encodeFeatures(data, shape, new FeatureEncoding(q, c, 6));
  }

  /** Recomputes payload and header CRCs where the (possibly mutated) header length allows. */
  private static void repairChecksums(byte[] record) {
    ByteBuffer b = ByteBuffer.wrap(record).order(ByteOrder.LITTLE_ENDIAN);
    int headerLength = Short.toUnsignedInt(b.getShort(6));
    if (headerLength < 32 || headerLength > record.length) {
      return;
    }
    CRC32 payload = new CRC32();
    payload.update(record, headerLength, record.length - headerLength);
    b.putInt(headerLength - 8, (int) payload.getValue());
    CRC32 header = new CRC32();
    header.update(record, 0, headerLength - 4);
    b.putInt(headerLength - 4, (int) header.getValue());
  }
}
