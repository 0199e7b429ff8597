package io.distillery.volumeio.nifti;

import java.nio.ByteBuffer;

/** Conversion of values to raw voxels of a datatype, with range checks for integer types. */
final class VoxelEncoding {
  private VoxelEncoding() {}

  static void put(
      NiftiDataType t, ByteBuffer b, int i, double value, double slope, double inter, long voxel) {
    double raw = (slope == 1.0 && inter == 0.0) ? value : (value - inter) / slope;
    if (t.isInteger()) {
      raw = Math.rint(raw);
      if (!(raw >= t.min() && raw <= t.max())) {
        throw new IllegalArgumentException(
            "value "
                + value
                + " at voxel "
                + voxel
                + " does not fit "
                + t.label()
                + (slope == 1.0 && inter == 0.0
                    ? ""
                    : " with scl_slope " + slope + ", scl_inter " + inter));
      }
    }
    switch (t) {
      case UINT8, INT8 -> b.put(i, (byte) (long) raw);
      case INT16, UINT16 -> b.putShort(i << 1, (short) (long) raw);
      case INT32, UINT32 -> b.putInt(i << 2, (int) (long) raw);
      case FLOAT32 -> b.putFloat(i << 2, (float) raw);
      case FLOAT64 -> b.putDouble(i << 3, raw);
    }
  }
}
