package io.distillery.tensorcodec;

/**
 * Upper bounds a decoder enforces before allocating, so that a hostile or corrupt header (huge
 * dimensions, a huge declared payload) fails with a {@link TensorCodecException} instead of an
 * {@link OutOfMemoryError}.
 *
 * @param maxElements largest number of decoded floats accepted (at most {@value #ARRAY_LIMIT})
 * @param maxPayloadBytes largest declared payload accepted (at most {@value #ARRAY_LIMIT})
 */
public record DecodeLimits(long maxElements, long maxPayloadBytes) {

  /** The largest Java array the decoder will allocate. */
  public static final long ARRAY_LIMIT = Integer.MAX_VALUE - 8;

  /** Validates the bounds. */
  public DecodeLimits {
    if (maxElements < 1 || maxElements > ARRAY_LIMIT) {
      throw new IllegalArgumentException("maxElements must be in 1.." + ARRAY_LIMIT);
    }
    if (maxPayloadBytes < 1 || maxPayloadBytes > ARRAY_LIMIT) {
      throw new IllegalArgumentException("maxPayloadBytes must be in 1.." + ARRAY_LIMIT);
    }
  }

  /**
   * 2²⁸ elements (1 GiB of floats) and a 1 GiB payload: far above a BTCV soft-label map (~10⁷
   * voxels per channel) yet well inside a service heap.
   */
  public static DecodeLimits defaults() {
    return new DecodeLimits(1L << 28, 1L << 30);
  }
}
