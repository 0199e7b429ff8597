package io.distillery.tensorcodec.bench;

import io.distillery.tensorcodec.DecodedTensor;
import io.distillery.tensorcodec.TensorCodec;
import io.distillery.tensorcodec.TensorCodecException;
import java.util.function.Function;

/**
 * Times one encoding of a tensor: encode and decode, best of {@code repeats} runs, one thread, and
 * the encoded size and largest round-trip error. Throughput is MB (10⁶ bytes) of fp32 input per
 * second. Used by the codec benchmark and by {@code ./distillery bench}.
 */
public final class CodecThroughput {

  private CodecThroughput() {}

  /**
   * One measurement.
   *
   * @param encoded the encoded record (of the last run)
   * @param voxels elements per channel
   * @param encodeSeconds best encode time
   * @param decodeSeconds best decode time
   * @param maxError largest absolute difference after the round trip
   * @param fp32Bytes size of the input as fp32
   */
  public record Result(
      byte[] encoded,
      long voxels,
      double encodeSeconds,
      double decodeSeconds,
      double maxError,
      long fp32Bytes) {

    /** Encoded bytes per voxel (all channels together). */
    public double bytesPerVoxel() {
      return (double) encoded.length / voxels;
    }

    /** Encode throughput in MB of fp32 input per second. */
    public double encodeMBps() {
      return fp32Bytes / 1e6 / encodeSeconds;
    }

    /** Decode throughput in MB of fp32 output per second. */
    public double decodeMBps() {
      return fp32Bytes / 1e6 / decodeSeconds;
    }
  }

  /**
   * Encodes {@code data} with {@code encoder} and decodes it with {@link TensorCodec#decode}, best
   * of {@code repeats} runs each.
   *
   * @param voxels elements per channel (for bytes per voxel)
   */
  public static Result measure(
      float[] data, long voxels, Function<float[], byte[]> encoder, int repeats) {
    if (repeats < 1) {
      throw new IllegalArgumentException("repeats must be >= 1, got " + repeats);
    }
    double bestEncode = Double.MAX_VALUE;
    double bestDecode = Double.MAX_VALUE;
    byte[] encoded = null;
    float[] decoded = null;
    for (int r = 0; r < repeats; r++) {
      long t0 = System.nanoTime();
      encoded = encoder.apply(data);
      long t1 = System.nanoTime();
      DecodedTensor tensor = TensorCodec.decode(encoded);
      long t2 = System.nanoTime();
      decoded = tensor.data();
      bestEncode = Math.min(bestEncode, (t1 - t0) / 1e9);
      bestDecode = Math.min(bestDecode, (t2 - t1) / 1e9);
    }
    if (decoded.length != data.length) {
      throw new TensorCodecException(
          "round trip gave " + decoded.length + " values for " + data.length);
    }
    double maxError = 0;
    for (int i = 0; i < data.length; i++) {
      maxError = Math.max(maxError, Math.abs(decoded[i] - data[i]));
    }
    return new Result(encoded, voxels, bestEncode, bestDecode, maxError, 4L * data.length);
  }
}
