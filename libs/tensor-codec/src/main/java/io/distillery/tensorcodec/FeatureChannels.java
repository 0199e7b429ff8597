package io.distillery.tensorcodec;

/** fp16 and 8-bit affine coding of one feature channel. */
final class FeatureChannels {

  private FeatureChannels() {}

  /**
   * Halves of {@code data[from, from+n)}, little-endian; with {@code shuffled} all low bytes first,
   * then all high bytes.
   */
  static byte[] toHalves(float[] data, int from, int n, boolean shuffled) {
    byte[] out = new byte[2 * n];
    for (int i = 0; i < n; i++) {
      float x = data[from + i];
      short h = HalfFloat.fromFloat(x);
      if ((h & 0x7fff) == 0x7c00 && Float.isFinite(x)) {
        throw new TensorCodecException(
            "feature value "
                + x
                + " at index "
                + (from + i)
                + " exceeds the fp16 range (±65504); use 8-bit affine quantisation");
      }
      if (shuffled) {
        out[i] = (byte) h;
        out[n + i] = (byte) (h >>> 8);
      } else {
        out[2 * i] = (byte) h;
        out[2 * i + 1] = (byte) (h >>> 8);
      }
    }
    return out;
  }

  static void fromHalves(
      byte[] raw, int rawOffset, boolean shuffled, float[] out, int from, int n) {
    if (shuffled) {
      for (int i = 0; i < n; i++) {
        int lo = raw[rawOffset + i] & 0xff;
        int hi = raw[rawOffset + n + i] & 0xff;
        out[from + i] = HalfFloat.toFloat((short) (lo | (hi << 8)));
      }
    } else {
      for (int i = 0; i < n; i++) {
        int lo = raw[rawOffset + 2 * i] & 0xff;
        int hi = raw[rawOffset + 2 * i + 1] & 0xff;
        out[from + i] = HalfFloat.toFloat((short) (lo | (hi << 8)));
      }
    }
  }

  /**
   * {@code {offset, scale}} of the channel: its minimum and (max − min)/255; refuses non-finite
   * values and ranges beyond float.
   */
  static float[] affineParameters(float[] data, int from, int n) {
    float min = Float.POSITIVE_INFINITY;
    float max = Float.NEGATIVE_INFINITY;
    for (int i = from; i < from + n; i++) {
      float x = data[i];
      if (!Float.isFinite(x)) {
        throw new TensorCodecException(
            "feature value " + x + " at index " + i + " cannot be affine-quantised; use fp16");
      }
      min = Math.min(min, x);
      max = Math.max(max, x);
    }
    float scale = (max - min) / 255f;
    if (!Float.isFinite(scale)) {
      throw new TensorCodecException(
          "feature range [" + min + ", " + max + "] exceeds float; cannot affine-quantise");
    }
    return new float[] {min, scale};
  }

  static byte[] affineEncode(float[] data, int from, int n, float offset, float scale) {
    byte[] out = new byte[n];
    if (scale == 0f) {
      return out; // constant channel: every value equals the offset
    }
    float inverse = 1f / scale;
    for (int i = 0; i < n; i++) {
      int q = (int) ((data[from + i] - offset) * inverse + 0.5f);
      out[i] = (byte) Math.min(255, Math.max(0, q));
    }
    return out;
  }

  static void affineDecode(
      byte[] raw, int rawOffset, float offset, float scale, float[] out, int from, int n) {
    float[] lut = new float[256];
    for (int q = 0; q < 256; q++) {
      lut[q] = offset + q * scale;
    }
    for (int i = 0; i < n; i++) {
      out[from + i] = lut[raw[rawOffset + i] & 0xff];
    }
  }
}
