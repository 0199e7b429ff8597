package io.distillery.volumeio.nifti;

import io.distillery.volumeio.VolumeFormatException;

/**
 * The NIfTI voxel datatypes this library reads and writes. Complex, RGB, 64-bit integer and 128-bit
 * float datatypes are rejected with a {@link VolumeFormatException}.
 */
public enum NiftiDatatype {
  UINT8(2, 8, 0, 255),
  INT8(256, 8, -128, 127),
  INT16(4, 16, Short.MIN_VALUE, Short.MAX_VALUE),
  UINT16(512, 16, 0, 65535),
  INT32(8, 32, Integer.MIN_VALUE, Integer.MAX_VALUE),
  UINT32(768, 32, 0, 4294967295L),
  FLOAT32(16, 32, Double.NaN, Double.NaN),
  FLOAT64(64, 64, Double.NaN, Double.NaN);

  private final int code;
  private final int bitpix;
  private final double min;
  private final double max;

  NiftiDatatype(int code, int bitpix, double min, double max) {
    this.code = code;
    this.bitpix = bitpix;
    this.min = min;
    this.max = max;
  }

  /** The NIfTI {@code datatype} code. */
  public int code() {
    return code;
  }

  /** Bits per voxel ({@code bitpix}). */
  public int bitpix() {
    return bitpix;
  }

  public int bytesPerVoxel() {
    return bitpix / 8;
  }

  /** True for the integer datatypes. */
  public boolean isInteger() {
    return this != FLOAT32 && this != FLOAT64;
  }

  /** Smallest representable value (integer types only). */
  public double min() {
    return min;
  }

  /** Largest representable value (integer types only). */
  public double max() {
    return max;
  }

  /**
   * The datatype for a NIfTI code.
   *
   * @throws VolumeFormatException naming the code (and its NIfTI name where known) if unsupported
   */
  public static NiftiDatatype fromCode(int code) {
    for (NiftiDatatype d : values()) {
      if (d.code == code) {
        return d;
      }
    }
    String name =
        switch (code) {
          case 0 -> "UNKNOWN";
          case 1 -> "BINARY";
          case 32 -> "COMPLEX64";
          case 128 -> "RGB24";
          case 255 -> "ALL";
          case 1024 -> "INT64";
          case 1280 -> "UINT64";
          case 1536 -> "FLOAT128";
          case 1792 -> "COMPLEX128";
          case 2048 -> "COMPLEX256";
          case 2304 -> "RGBA32";
          default -> "not a NIfTI datatype";
        };
    throw new VolumeFormatException(
        "unsupported NIfTI datatype "
            + code
            + " ("
            + name
            + "); supported: uint8, int8, int16, uint16, int32, uint32, float32, float64");
  }
}
