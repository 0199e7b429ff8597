package io.distillery.tensorcodec;

/**
 * How {@link TensorCodec#encodeFeatures} stores a feature map.
 *
 * @param quantisation {@link Quantisation#FLOAT16} or {@link Quantisation#AFFINE_8BIT_PER_CHANNEL}
 * @param compression {@link Compression#NONE}, {@link Compression#DEFLATE}, or for fp16 also {@link
 *     Compression#BYTE_SHUFFLE_DEFLATE}
 * @param deflateLevel zlib level 1 (fastest) to 9 (smallest); ignored for {@link Compression#NONE}
 */
public record FeatureEncoding(
    Quantisation quantisation, Compression compression, int deflateLevel) {

  /** Validates the combination. */
  public FeatureEncoding {
    if (quantisation == null || compression == null) {
      throw new IllegalArgumentException("quantisation and compression are required");
    }
    if (quantisation.kind() != TensorKind.FEATURES) {
      throw new IllegalArgumentException(
          quantisation + " is a probability quantisation, not a feature quantisation");
    }
    if (!compression.supports(quantisation)) {
      throw new IllegalArgumentException(compression + " is not defined for " + quantisation);
    }
    if (deflateLevel < 1 || deflateLevel > 9) {
      throw new IllegalArgumentException("deflateLevel must be in 1..9, was " + deflateLevel);
    }
  }

  /** Uncompressed fp16: 2 bytes per value, the fastest to decode. */
  public static FeatureEncoding float16() {
    return new FeatureEncoding(Quantisation.FLOAT16, Compression.NONE, 1);
  }

  /** 8-bit per-channel affine codes, uncompressed: 1 byte per value, error ≤ scale/2. */
  public static FeatureEncoding affine8Bit() {
    return new FeatureEncoding(Quantisation.AFFINE_8BIT_PER_CHANNEL, Compression.NONE, 1);
  }
}
