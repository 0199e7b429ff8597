package io.distillery.tensorcodec;

import java.util.Arrays;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/** zlib-wrapped Deflate of one channel's bytes (java.util.zip, i.e. the native zlib). */
final class Zlib {

  /**
   * Deflate cannot expand data more than 1032:1 (a 258-byte match in ~2 bits); a declared raw
   * length beyond this many times the stored length plus slack is a lie, refused before allocating.
   */
  static final long MAX_EXPANSION = 1032;

  private static final long SLACK_BYTES = 64;

  private Zlib() {}

  static byte[] deflate(byte[] raw, int length, int level) {
    Deflater deflater = new Deflater(level);
    try {
      deflater.setInput(raw, 0, length);
      deflater.finish();
      byte[] out = new byte[Math.max(64, length / 16)];
      int size = 0;
      while (!deflater.finished()) {
        if (size == out.length) {
          if (out.length >= DecodeLimits.ARRAY_LIMIT) {
            throw new TensorCodecException("compressed channel exceeds the largest Java array");
          }
          out = Arrays.copyOf(out, (int) Math.min(DecodeLimits.ARRAY_LIMIT, 2L * out.length));
        }
        size += deflater.deflate(out, size, out.length - size);
      }
      return Arrays.copyOf(out, size);
    } finally {
      deflater.end();
    }
  }

  /** Whether {@code rawLength} bytes can come out of {@code storedLength} bytes of zlib data. */
  static boolean plausible(long storedLength, long rawLength) {
    return rawLength <= storedLength * MAX_EXPANSION + SLACK_BYTES;
  }

  /** Inflates exactly {@code rawLength} bytes from the zlib stream at {@code off, len}. */
  static byte[] inflate(byte[] buf, int off, int len, int rawLength, int channel) {
    Inflater inflater = new Inflater();
    try {
      inflater.setInput(buf, off, len);
      byte[] out = new byte[rawLength];
      int size = 0;
      while (!inflater.finished()) {
        int n = inflater.inflate(out, size, out.length - size);
        size += n;
        if (n == 0 && !inflater.finished()) {
          // No progress: either the output is full with input left, or the input is exhausted.
          throw new TensorCodecException(
              size == out.length
                  ? "channel "
                      + channel
                      + ": compressed data expands beyond "
                      + rawLength
                      + " bytes"
                  : "channel " + channel + ": compressed data ends early (truncated)");
        }
      }
      if (size != rawLength || inflater.getRemaining() != 0) {
        throw new TensorCodecException(
            "channel "
                + channel
                + ": compressed data gives "
                + size
                + " bytes, "
                + rawLength
                + " declared");
      }
      return out;
    } catch (DataFormatException e) {
      throw new TensorCodecException(
          "channel " + channel + ": corrupt compressed data: " + e.getMessage(), e);
    } finally {
      inflater.end();
    }
  }
}
