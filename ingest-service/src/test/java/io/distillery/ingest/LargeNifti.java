package io.distillery.ingest;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a large uncompressed NIfTI-1 CT-like volume (int16, RAS, 0.8 × 0.8 × 2.5 mm) slice row by
 * slice row, so that generating a 100 MB file needs a few kilobytes of heap instead of the whole
 * voxel array. The header is written by hand from the NIfTI-1 layout (348 bytes, then the 4-byte
 * extension flag, then the voxels at offset 352).
 */
final class LargeNifti {

  private LargeNifti() {}

  /** Writes {@code nx × ny × nz} int16 voxels; returns the file size in bytes. */
  static long write(Path file, int nx, int ny, int nz) throws IOException {
    ByteBuffer header = ByteBuffer.allocate(352).order(ByteOrder.LITTLE_ENDIAN);
    header.putInt(0, 348); // sizeof_hdr
    short[] dim = {3, (short) nx, (short) ny, (short) nz, 1, 1, 1, 1};
    for (int i = 0; i < dim.length; i++) {
      header.putShort(40 + 2 * i, dim[i]);
    }
    header.putShort(70, (short) 4); // datatype DT_INT16
    header.putShort(72, (short) 16); // bitpix
    float[] pixdim = {1f, 0.8f, 0.8f, 2.5f, 0f, 0f, 0f, 0f};
    for (int i = 0; i < pixdim.length; i++) {
      header.putFloat(76 + 4 * i, pixdim[i]);
    }
    header.putFloat(108, 352f); // vox_offset
    header.putFloat(112, 1f); // scl_slope
    header.putFloat(116, 0f); // scl_inter
    header.put(123, (byte) 10); // xyzt_units: mm, s
    header.putShort(254, (short) 1); // sform_code: scanner
    float[] srow = {
      0.8f, 0, 0, -200f, //
      0, 0.8f, 0, -200f, //
      0, 0, 2.5f, -250f
    };
    for (int i = 0; i < srow.length; i++) {
      header.putFloat(280 + 4 * i, srow[i]);
    }
    header.put(344, "n+1\0".getBytes(StandardCharsets.US_ASCII));

    ByteBuffer row = ByteBuffer.allocate(2 * nx).order(ByteOrder.LITTLE_ENDIAN);
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
      out.write(header.array());
      for (int z = 0; z < nz; z++) {
        for (int y = 0; y < ny; y++) {
          row.clear();
          for (int x = 0; x < nx; x++) {
            // A body ellipse of soft tissue in air, as a CT slice looks.
            double ex = (x - nx / 2.0) / (nx * 0.4);
            double ey = (y - ny / 2.0) / (ny * 0.3);
            row.putShort((short) (ex * ex + ey * ey < 1 ? 40 + (x + y + z) % 7 : -1000));
          }
          out.write(row.array());
        }
      }
    }
    return Files.size(file);
  }
}
