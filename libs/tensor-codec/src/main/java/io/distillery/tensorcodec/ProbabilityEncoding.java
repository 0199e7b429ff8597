package io.distillery.tensorcodec;

/**
 * How {@link TensorCodec#encodeProbabilities} stores soft labels.
 *
 * <p>The default, {@link #standard()}, is 8-bit quantisation ({@code round(p·255)}, maximum error
 * 0.5/255) with {@link Compression#RUN_LENGTH_DEFLATE}: a teacher's output is ≈0 or ≈1 almost
 * everywhere, so runs of the two extreme levels are stored as lengths and only the thin boundary
 * shell is stored voxel by voxel. The measured sizes are in this module's README.
 *
 * @param quantisation {@link Quantisation#UNIT_INTERVAL_8BIT} or {@link
 *     Quantisation#UNIT_INTERVAL_4BIT}
 * @param compression {@link Compression#NONE}, {@link Compression#DEFLATE} or {@link
 *     Compression#RUN_LENGTH_DEFLATE}
 * @param deflateLevel zlib level 1 (fastest) to 9 (smallest); ignored for {@link Compression#NONE}
 */
public record ProbabilityEncoding(
    Quantisation quantisation, Compression compression, int deflateLevel) {

  /** The zlib level of {@link #standard()}, chosen from the benchmark in the README. */
  public static final int DEFAULT_DEFLATE_LEVEL = 6;

  /** Validates the combination. */
  public ProbabilityEncoding {
    if (quantisation == null || compression == null) {
      throw new IllegalArgumentException("quantisation and compression are required");
    }
    if (quantisation.kind() != TensorKind.PROBABILITIES) {
      throw new IllegalArgumentException(
          quantisation + " is a feature quantisation, not a probability quantisation");
    }
    if (!compression.supports(quantisation)) {
      throw new IllegalArgumentException(compression + " is not defined for " + quantisation);
    }
    if (deflateLevel < 1 || deflateLevel > 9) {
      throw new IllegalArgumentException("deflateLevel must be in 1..9, was " + deflateLevel);
    }
  }

  /** 8-bit, run-length + Deflate at {@link #DEFAULT_DEFLATE_LEVEL}: error ≤ 0.5/255. */
  public static ProbabilityEncoding standard() {
    return new ProbabilityEncoding(
        Quantisation.UNIT_INTERVAL_8BIT, Compression.RUN_LENGTH_DEFLATE, DEFAULT_DEFLATE_LEVEL);
  }

  /** 4-bit, run-length + Deflate at {@link #DEFAULT_DEFLATE_LEVEL}: error ≤ 0.5/15. */
  public static ProbabilityEncoding fourBit() {
    return new ProbabilityEncoding(
        Quantisation.UNIT_INTERVAL_4BIT, Compression.RUN_LENGTH_DEFLATE, DEFAULT_DEFLATE_LEVEL);
  }
}
