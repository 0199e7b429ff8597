package io.distillery.tensorcodec;

import java.util.Arrays;

/**
 * The decoded header of one encoded tensor (format version {@value #FORMAT_VERSION}).
 *
 * <p>Layout of the tensor: the first dimension is the channel; the rest is row-major with the last
 * dimension fastest. For volumes that is CDHW: channel, then z (D), y (H), x (W) with x fastest,
 * which is the voxel order of a NIfTI file. For probabilities, channel k is teacher k's foreground
 * probability (binary teachers) or class k of one multi-class teacher.
 *
 * @param version format version of the record
 * @param kind probabilities or features
 * @param quantisation how values are stored (bits included)
 * @param compression how each channel's stored values are compressed
 * @param shape dimensions, channel first; every dimension ≥ 1
 * @param channelOffsets per-channel offsets of {@link Quantisation#AFFINE_8BIT_PER_CHANNEL}, else
 *     empty
 * @param channelScales per-channel scales of {@link Quantisation#AFFINE_8BIT_PER_CHANNEL}, else
 *     empty
 * @param payloadLength bytes of payload following the header
 * @param payloadCrc32 CRC-32 of the payload
 */
public record TensorHeader(
    int version,
    TensorKind kind,
    Quantisation quantisation,
    Compression compression,
    long[] shape,
    float[] channelOffsets,
    float[] channelScales,
    long payloadLength,
    int payloadCrc32) {

  /** The version this library writes and reads. */
  public static final int FORMAT_VERSION = 1;

  /** Largest rank accepted. */
  public static final int MAX_RANK = 8;

  /** Copies the arrays so the header stays immutable. */
  public TensorHeader {
    shape = shape.clone();
    channelOffsets = channelOffsets.clone();
    channelScales = channelScales.clone();
  }

  /** The decoded element type; only 32-bit floats in version 1. */
  public String dtype() {
    return "float32";
  }

  /** A copy of the dimensions, channel first. */
  @Override
  public long[] shape() {
    return shape.clone();
  }

  /** A copy of the per-channel offsets (affine quantisation only). */
  @Override
  public float[] channelOffsets() {
    return channelOffsets.clone();
  }

  /** A copy of the per-channel scales (affine quantisation only). */
  @Override
  public float[] channelScales() {
    return channelScales.clone();
  }

  /** Number of channels, {@code shape[0]}. */
  public long channels() {
    return shape[0];
  }

  /** Product of all dimensions; the caller validated it does not overflow. */
  public long elementCount() {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    return n;
  }

  /** Elements of one channel. */
  public long elementsPerChannel() {
    return elementCount() / shape[0];
  }

  /**
   * The guaranteed bound on |decoded − original| for values stored this way, ignoring float
   * rounding of about 1e-7: 0.5/255 or 0.5/15 for probabilities, the largest scale/2 for affine
   * features; for fp16 the relative bound 2⁻¹¹ is returned (absolute 2⁻²⁵ below 2⁻¹⁴).
   */
  public double maxQuantisationError() {
    return switch (quantisation) {
      case UNIT_INTERVAL_8BIT -> 0.5 / 255;
      case UNIT_INTERVAL_4BIT -> 0.5 / 15;
      case FLOAT16 -> 0x1p-11;
      case AFFINE_8BIT_PER_CHANNEL -> {
        double max = 0;
        for (float s : channelScales) {
          max = Math.max(max, s / 2.0);
        }
        yield max;
      }
    };
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TensorHeader h
        && version == h.version
        && kind == h.kind
        && quantisation == h.quantisation
        && compression == h.compression
        && Arrays.equals(shape, h.shape)
        && Arrays.equals(channelOffsets, h.channelOffsets)
        && Arrays.equals(channelScales, h.channelScales)
        && payloadLength == h.payloadLength
        && payloadCrc32 == h.payloadCrc32;
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(shape) + Long.hashCode(payloadLength) + payloadCrc32;
  }

  @Override
  public String toString() {
    return "TensorHeader[v"
        + version
        + " "
        + kind
        + " "
        + quantisation
        + " "
        + compression
        + " shape="
        + Arrays.toString(shape)
        + " payload="
        + payloadLength
        + " B]";
  }
}
