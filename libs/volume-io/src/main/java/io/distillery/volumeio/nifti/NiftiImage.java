package io.distillery.volumeio.nifti;

import java.nio.ByteBuffer;

/**
 * A NIfTI file as stored: its header and the raw voxel bytes (no scaling applied), x-fastest, in
 * the header's byte order ({@code data.order()} is set accordingly). Used for bit-exact copies and
 * for datatypes that a {@code float} cannot hold exactly (int32, uint32, float64).
 */
public record NiftiImage(NiftiHeader header, ByteBuffer data) {
  public NiftiImage {
    if (data.capacity() != header.dataBytes()) {
      throw new IllegalArgumentException(
          "data has " + data.capacity() + " bytes, header needs " + header.dataBytes());
    }
    data = data.duplicate().order(header.byteOrder());
  }
}
