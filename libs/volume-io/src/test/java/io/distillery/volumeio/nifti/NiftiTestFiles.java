package io.distillery.volumeio.nifti;

import io.distillery.volumeio.Affine;
import io.distillery.volumeio.Grid;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.GZIPOutputStream;

/** Small NIfTI files built in memory, with helpers to patch header fields. */
final class NiftiTestFiles {
  private NiftiTestFiles() {}

  static final Affine LAS_1MM = Affine.diagonal(-1, 1, 1, 10, -20, 30);

  /** A valid file: header + extension flag + voxels {@code i % 100} of {@code type}. */
  static byte[] file(int version, ByteOrder order, NiftiDataType type, int nx, int ny, int nz) {
    Grid g = new Grid(nx, ny, nz, LAS_1MM);
    NiftiHeader h = NiftiHeader.forGrid(version, order, g, type, 1.0, 0.0, 0);
    byte[] header = NiftiHeaderCodec.encode(h);
    ByteBuffer data = ByteBuffer.allocate((int) h.dataBytes()).order(order);
    for (int i = 0; i < g.size(); i++) {
      double v = i % 100;
      switch (type) {
        case UINT8, INT8 -> data.put(i, (byte) v);
        case INT16, UINT16 -> data.putShort(2 * i, (short) v);
        case INT32, UINT32 -> data.putInt(4 * i, (int) v);
        case FLOAT32 -> data.putFloat(4 * i, (float) v);
        case FLOAT64 -> data.putDouble(8 * i, v);
      }
    }
    byte[] out = new byte[header.length + data.capacity()];
    System.arraycopy(header, 0, out, 0, header.length);
    System.arraycopy(data.array(), 0, out, header.length, data.capacity());
    return out;
  }

  static byte[] file1(int nx, int ny, int nz) {
    return file(1, ByteOrder.LITTLE_ENDIAN, NiftiDataType.INT16, nx, ny, nz);
  }

  static byte[] gzip(byte[] b) {
    try {
      ByteArrayOutputStream bos = new ByteArrayOutputStream();
      try (GZIPOutputStream gz = new GZIPOutputStream(bos)) {
        gz.write(b);
      }
      return bos.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A little-endian view for patching NIfTI-1 fields at their byte offsets. */
  static ByteBuffer le(byte[] b) {
    return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
  }
}
