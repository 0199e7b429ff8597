package io.distillery.tensorcodec;

/** What an encoded tensor holds; stored in the header so a reader can refuse the wrong kind. */
public enum TensorKind {
  /**
   * Teacher soft labels: probabilities in [0, 1], one channel per binary teacher or C channels
   * summing to 1 for a multi-class teacher.
   */
  PROBABILITIES(1),
  /** A teacher's feature map: C channels of arbitrary finite (or, in fp16, non-finite) floats. */
  FEATURES(2);

  private final int id;

  TensorKind(int id) {
    this.id = id;
  }

  /** The id written to the header. */
  public int id() {
    return id;
  }

  static TensorKind fromId(int id) {
    for (TensorKind k : values()) {
      if (k.id == id) {
        return k;
      }
    }
    throw new TensorCodecException("unknown tensor kind id " + id);
  }
}
