package io.distillery.volumeio.nifti;

import io.distillery.volumeio.VolumeFormatException;

/** The NIfTI datatypes this library reads and writes; every other code is rejected. */
public enum NiftiDataType {
  UINT8(2, 8, "uint8", true),
  INT16(4, 16, "int16", true),
  INT32(8, 32, "int32", true),
  FLOAT32(16, 32, "float32", false),
  FLOAT64(64, 64, "float64", false),
  INT8(256, 8, "int8", true),
  UINT16(512, 16, "uint16", true),
  UINT32(768, 32, "uint32", true);

  private final int code;
  private final int bitpix;
  private final String label;
  private final boolean integer;

  NiftiDataType(int code, int bitpix, String label, boolean integer) {
    this.code = code;
    this.bitpix = bitpix;
    this.label = label;
    this.integer = integer;
  }

  /** The {@code datatype} header code. */
  public int code() {
    return code;
  }

  /** Bits per voxel ({@code bitpix}). */
  public int bitpix() {
    return bitpix;
  }

  public int bytes() {
    return bitpix / 8;
  }

  public boolean isInteger() {
    return integer;
  }

  /** Lower-case name, e.g. {@code "int16"}. */
  public String label() {
    return label;
  }

  /** Smallest representable value (integer types). */
  public double min() {
    return switch (this) {
      case UINT8, UINT16, UINT32 -> 0;
      case INT8 -> Byte.MIN_VALUE;
      case INT16 -> Short.MIN_VALUE;
      case INT32 -> Integer.MIN_VALUE;
      case FLOAT32 -> -Float.MAX_VALUE;
      case FLOAT64 -> -Double.MAX_VALUE;
    };
  }

  /** Largest representable value (integer types). */
  public double max() {
    return switch (this) {
      case UINT8 -> 255;
      case UINT16 -> 65535;
      case UINT32 -> 4294967295.0;
      case INT8 -> Byte.MAX_VALUE;
      case INT16 -> Short.MAX_VALUE;
      case INT32 -> Integer.MAX_VALUE;
      case FLOAT32 -> Float.MAX_VALUE;
      case FLOAT64 -> Double.MAX_VALUE;
    };
  }

  /**
   * The datatype for a header code.
   *
   * @throws VolumeFormatException for any code not in this enum (complex, RGB, int64, float128, …)
   */
  public static NiftiDataType fromCode(int code) {
    for (NiftiDataType t : values()) {
      if (t.code == code) {
        return t;
      }
    }
    throw new VolumeFormatException(
        "unsupported NIfTI datatype code "
            + code
            + " (supported: uint8=2, int8=256, int16=4, uint16=512, int32=8, uint32=768,"
            + " float32=16, float64=64)");
  }
}
