package io.distillery.tensorcodec;

/** How the quantised bytes of each channel are compressed; the id is written to the header. */
public enum Compression {
  /** The packed quantised values as they are. */
  NONE(0),
  /** zlib/Deflate over the packed quantised values. */
  DEFLATE(1),
  /**
   * Probabilities only: runs of the two extreme levels (0 and the maximum level, i.e. p≈0 and p≈1)
   * become a marker byte plus an unsigned LEB128 run length, every other level stays a one-byte
   * literal; the token stream is then Deflate-compressed. Exploits the near-0/near-1 bulk of soft
   * labels: see {@link ProbabilityEncoding}.
   */
  RUN_LENGTH_DEFLATE(2),
  /**
   * fp16 features only: the low bytes of all halves of a channel, then their high bytes (a byte
   * shuffle, as in Blosc), then Deflate; groups the slowly varying sign/exponent bytes together.
   */
  BYTE_SHUFFLE_DEFLATE(3);

  private final int id;

  Compression(int id) {
    this.id = id;
  }

  /** The id written to the header. */
  public int id() {
    return id;
  }

  /** Whether this compression is defined for values stored with {@code q}. */
  public boolean supports(Quantisation q) {
    return switch (this) {
      case NONE, DEFLATE -> true;
      case RUN_LENGTH_DEFLATE -> q.kind() == TensorKind.PROBABILITIES;
      case BYTE_SHUFFLE_DEFLATE -> q == Quantisation.FLOAT16;
    };
  }

  static Compression fromId(int id) {
    for (Compression c : values()) {
      if (c.id == id) {
        return c;
      }
    }
    throw new TensorCodecException("unknown compression id " + id);
  }
}
