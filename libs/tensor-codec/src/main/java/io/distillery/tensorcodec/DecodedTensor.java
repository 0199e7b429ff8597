package io.distillery.tensorcodec;

/**
 * A decoded tensor: its header and its values as 32-bit floats in the header's layout (channel
 * first, last dimension fastest; CDHW for volumes, see {@link TensorHeader}).
 *
 * @param header the record's header
 * @param data the values; owned by the caller (not copied)
 */
public record DecodedTensor(TensorHeader header, float[] data) {

  /** Dimensions, channel first. */
  public long[] shape() {
    return header.shape();
  }

  /** Probabilities or features. */
  public TensorKind kind() {
    return header.kind();
  }
}
