package io.distillery.tensorcodec;

/**
 * How each float is stored before compression; the id and the bit width are written to the header.
 */
public enum Quantisation {
  /**
   * Probabilities in [0, 1] as {@code q = round(p·255)}, decoded as {@code q/255}: maximum absolute
   * error 0.5/255 ≈ 0.00196 (plus float rounding, ~1e-7).
   */
  UNIT_INTERVAL_8BIT(1, 8, TensorKind.PROBABILITIES),
  /**
   * Probabilities in [0, 1] as {@code q = round(p·15)}, decoded as {@code q/15}: maximum absolute
   * error 0.5/15 ≈ 0.0333. Two values per byte when uncompressed.
   */
  UNIT_INTERVAL_4BIT(2, 4, TensorKind.PROBABILITIES),
  /**
   * Features as IEEE 754 binary16 (round to nearest, ties to even): relative error ≤ 2⁻¹¹ for
   * normal halves (|x| ≥ 2⁻¹⁴), absolute error ≤ 2⁻²⁵ below; |x| > 65504 is refused on encoding.
   */
  FLOAT16(3, 16, TensorKind.FEATURES),
  /**
   * Features as 8-bit per-channel affine codes: {@code offset = min_c}, {@code scale = (max_c −
   * min_c)/255}, {@code q = round((x − offset)/scale)}, decoded as {@code offset + q·scale}:
   * maximum absolute error scale/2 per channel (plus float rounding). Non-finite values are
   * refused.
   */
  AFFINE_8BIT_PER_CHANNEL(4, 8, TensorKind.FEATURES);

  private final int id;
  private final int bits;
  private final TensorKind kind;

  Quantisation(int id, int bits, TensorKind kind) {
    this.id = id;
    this.bits = bits;
    this.kind = kind;
  }

  /** The id written to the header. */
  public int id() {
    return id;
  }

  /** Bits per stored value. */
  public int bits() {
    return bits;
  }

  /** The tensor kind this quantisation belongs to. */
  public TensorKind kind() {
    return kind;
  }

  /** Number of stored levels minus one for the unit-interval quantisations (255 or 15). */
  int maxLevel() {
    return (1 << bits) - 1;
  }

  /** Bytes that one channel of {@code n} values occupies before compression. */
  long packedBytes(long n) {
    return switch (this) {
      case UNIT_INTERVAL_8BIT, AFFINE_8BIT_PER_CHANNEL -> n;
      case UNIT_INTERVAL_4BIT -> (n + 1) / 2;
      case FLOAT16 -> 2 * n;
    };
  }

  static Quantisation fromId(int id) {
    for (Quantisation q : values()) {
      if (q.id == id) {
        return q;
      }
    }
    throw new TensorCodecException("unknown quantisation id " + id);
  }
}
