package io.distillery.volumeio.nifti;

/**
 * Limits and choices of {@link NiftiReader}.
 *
 * @param maxDecompressedBytes upper bound on the bytes a file may expand to (header + extensions +
 *     voxels), enforced before allocation and while inflating: the defence against decompression
 *     bombs and absurd dimensions. Default 4 GiB.
 * @param keepFreeText whether {@code descrip}, {@code aux_file} and {@code intent_name} are copied
 *     into {@link io.distillery.volumeio.VolumeMetadata#freeText()}. Default false: they may hold
 *     patient data.
 */
public record NiftiReadOptions(long maxDecompressedBytes, boolean keepFreeText) {
  /** 4 GiB. */
  public static final long DEFAULT_MAX_DECOMPRESSED_BYTES = 4L << 30;

  public NiftiReadOptions {
    if (maxDecompressedBytes <= 0) {
      throw new IllegalArgumentException("maxDecompressedBytes must be > 0");
    }
  }

  /** 4 GiB limit, free text dropped. */
  public static NiftiReadOptions defaults() {
    return new NiftiReadOptions(DEFAULT_MAX_DECOMPRESSED_BYTES, false);
  }

  public NiftiReadOptions withMaxDecompressedBytes(long max) {
    return new NiftiReadOptions(max, keepFreeText);
  }

  public NiftiReadOptions withKeepFreeText(boolean keep) {
    return new NiftiReadOptions(maxDecompressedBytes, keep);
  }
}
