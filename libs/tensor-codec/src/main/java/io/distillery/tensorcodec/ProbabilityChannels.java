package io.distillery.tensorcodec;

import java.util.Arrays;

/**
 * Quantisation and run-length coding of one probability channel.
 *
 * <p>Run-length token stream ({@link Compression#RUN_LENGTH_DEFLATE}), for levels 0..L (L = 255 or
 * 15): a byte 0 or L starts a run of that level and is followed by {@code runLength − 1} as
 * unsigned LEB128 (7 bits per byte, low group first, at most 5 bytes); any byte 1..L−1 is a single
 * value of that level. Because every 0 and L belongs to a run token, the two markers need no
 * escape.
 */
final class ProbabilityChannels {

  /** Slack for probabilities a softmax/sigmoid in float rounds just outside [0, 1]. */
  static final float RANGE_TOLERANCE = 1e-5f;

  private ProbabilityChannels() {}

  /** Levels {@code round(p·maxLevel)} of {@code data[from, from+n)}, one per byte. */
  static byte[] quantise(float[] data, int from, int n, int maxLevel) {
    byte[] levels = new byte[n];
    float scale = maxLevel;
    for (int i = 0; i < n; i++) {
      float p = data[from + i];
      if (!(p >= -RANGE_TOLERANCE && p <= 1f + RANGE_TOLERANCE)) {
        throw new TensorCodecException(
            "probability " + p + " at index " + (from + i) + " is outside [0, 1]");
      }
      float clamped = p < 0f ? 0f : Math.min(p, 1f);
      levels[i] = (byte) (int) (clamped * scale + 0.5f);
    }
    return levels;
  }

  /** Two 4-bit levels per byte, the first in the low nibble. */
  static byte[] pack4(byte[] levels) {
    byte[] packed = new byte[(levels.length + 1) / 2];
    for (int i = 0; i < levels.length; i++) {
      packed[i >> 1] |= (byte) ((levels[i] & 0x0f) << ((i & 1) << 2));
    }
    return packed;
  }

  static void decode8(byte[] raw, int rawOffset, float[] out, int from, int n) {
    float[] lut = levelTable(255);
    for (int i = 0; i < n; i++) {
      out[from + i] = lut[raw[rawOffset + i] & 0xff];
    }
  }

  static void decode4(byte[] raw, int rawOffset, float[] out, int from, int n) {
    float[] lut = levelTable(15);
    for (int i = 0; i < n; i++) {
      out[from + i] = lut[(raw[rawOffset + (i >> 1)] >> ((i & 1) << 2)) & 0x0f];
    }
  }

  /** Token stream of {@code levels}; see the class comment. */
  static byte[] runLengthEncode(byte[] levels, int maxLevel) {
    int n = levels.length;
    byte[] out = new byte[Math.max(16, n / 8)];
    int size = 0;
    byte top = (byte) maxLevel;
    int i = 0;
    while (i < n) {
      if (out.length - size < 6) {
        out = Arrays.copyOf(out, (int) Math.min(DecodeLimits.ARRAY_LIMIT, 2L * out.length));
      }
      byte level = levels[i];
      if (level != 0 && level != top) {
        out[size++] = level;
        i++;
        continue;
      }
      int j = i + 1;
      while (j < n && levels[j] == level) {
        j++;
      }
      out[size++] = level;
      int extra = j - i - 1;
      while (extra >= 0x80) {
        out[size++] = (byte) (extra | 0x80);
        extra >>>= 7;
      }
      out[size++] = (byte) extra;
      i = j;
    }
    return Arrays.copyOf(out, size);
  }

  /** Decodes a token stream into {@code out[from, from+n)}, refusing any inconsistency. */
  static void runLengthDecode(
      byte[] raw,
      int rawOffset,
      int rawLength,
      int maxLevel,
      float[] out,
      int from,
      int n,
      int channel) {
    float[] lut = levelTable(maxLevel);
    int end = from + n;
    int pos = from;
    int i = rawOffset;
    int rawEnd = rawOffset + rawLength;
    while (i < rawEnd) {
      int level = raw[i++] & 0xff;
      if (level > maxLevel) {
        throw new TensorCodecException(
            "channel " + channel + ": run-length token " + level + " exceeds level " + maxLevel);
      }
      if (level != 0 && level != maxLevel) {
        if (pos == end) {
          throw tooLong(channel, n);
        }
        out[pos++] = lut[level];
        continue;
      }
      long extra = 0;
      int shift = 0;
      int b;
      do {
        if (i == rawEnd || shift > 28) {
          throw new TensorCodecException(
              "channel "
                  + channel
                  + ": truncated or overlong run length at byte "
                  + (i - rawOffset));
        }
        b = raw[i++] & 0xff;
        extra |= (long) (b & 0x7f) << shift;
        shift += 7;
      } while ((b & 0x80) != 0);
      if (extra >= end - pos) {
        throw tooLong(channel, n);
      }
      int stop = pos + (int) extra + 1;
      Arrays.fill(out, pos, stop, lut[level]);
      pos = stop;
    }
    if (pos != end) {
      throw new TensorCodecException(
          "channel "
              + channel
              + ": run-length data gives "
              + (pos - from)
              + " of "
              + n
              + " values");
    }
  }

  private static TensorCodecException tooLong(int channel, int n) {
    return new TensorCodecException(
        "channel " + channel + ": run-length data gives more than the declared " + n + " values");
  }

  private static float[] levelTable(int maxLevel) {
    float[] lut = new float[maxLevel + 1];
    for (int q = 0; q <= maxLevel; q++) {
      lut[q] = q / (float) maxLevel;
    }
    return lut;
  }
}
