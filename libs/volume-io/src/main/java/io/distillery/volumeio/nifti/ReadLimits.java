package io.distillery.volumeio.nifti;

/**
 * Bounds that protect a reader from hostile or corrupt input: the number of bytes it will
 * decompress (header, extensions and voxel data together) and the number of voxels it will
 * allocate. Both are checked against the header before any voxel is read, and the reader never
 * decompresses past the header's declared end of data, so a decompression bomb costs at most {@code
 * maxDecompressedBytes}.
 *
 * @param maxDecompressedBytes largest decompressed file size accepted, in bytes
 * @param maxVoxels largest voxel count accepted
 */
public record ReadLimits(long maxDecompressedBytes, long maxVoxels) {
  /** 2 GiB of decompressed data. */
  public static final long DEFAULT_MAX_DECOMPRESSED_BYTES = 2L << 30;

  /** 2^28 voxels (1 GiB as float32), e.g. 1024×1024×256. */
  public static final long DEFAULT_MAX_VOXELS = 1L << 28;

  public ReadLimits {
    if (maxDecompressedBytes <= 0 || maxVoxels <= 0) {
      throw new IllegalArgumentException("limits must be positive");
    }
  }

  /** The default limits: {@value #DEFAULT_MAX_DECOMPRESSED_BYTES} bytes, 2^28 voxels. */
  public static ReadLimits defaults() {
    return new ReadLimits(DEFAULT_MAX_DECOMPRESSED_BYTES, DEFAULT_MAX_VOXELS);
  }
}
