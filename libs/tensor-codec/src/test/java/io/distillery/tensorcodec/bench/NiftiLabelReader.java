package io.distillery.tensorcodec.bench;

import io.distillery.tensorcodec.bench.SoftLabelSynthesis.LabelVolume;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Minimal NIfTI-1 reader for the benchmark only: gzip, the 348-byte header, uint8 voxels (the BTCV
 * label maps). To be replaced by libs/volume-io once that module is available; it deliberately
 * ignores orientation, which the codec benchmark does not need.
 */
final class NiftiLabelReader {

  private static final int NIFTI1_HEADER_BYTES = 348;
  private static final short DT_UINT8 = 2;

  private NiftiLabelReader() {}

  static LabelVolume read(Path file) throws IOException {
    byte[] bytes;
    try (InputStream in = new GZIPInputStream(Files.newInputStream(file), 1 << 16)) {
      bytes = in.readAllBytes();
    }
    if (bytes.length < NIFTI1_HEADER_BYTES) {
      throw new IOException(file + ": " + bytes.length + " bytes, shorter than a NIfTI-1 header");
    }
    ByteBuffer h = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    if (h.getInt(0) != NIFTI1_HEADER_BYTES) {
      h.order(ByteOrder.BIG_ENDIAN);
      if (h.getInt(0) != NIFTI1_HEADER_BYTES) {
        throw new IOException(file + ": sizeof_hdr is not 348, not a NIfTI-1 file");
      }
    }
    if (bytes[344] != 'n' || (bytes[345] != '+' && bytes[345] != 'i') || bytes[346] != '1') {
      throw new IOException(file + ": missing NIfTI-1 magic");
    }
    int rank = h.getShort(40);
    if (rank < 3) {
      throw new IOException(file + ": rank " + rank + ", a 3-D label map was expected");
    }
    int nx = h.getShort(42);
    int ny = h.getShort(44);
    int nz = h.getShort(46);
    for (int d = 4; d <= rank && d <= 7; d++) {
      if (h.getShort(40 + 2 * d) > 1) {
        throw new IOException(file + ": dimension " + d + " > 1, a 3-D label map was expected");
      }
    }
    short datatype = h.getShort(70);
    if (datatype != DT_UINT8) {
      throw new IOException(file + ": datatype " + datatype + ", only uint8 (2) is supported");
    }
    float slope = h.getFloat(112);
    float inter = h.getFloat(116);
    if (!(slope == 0f || slope == 1f) || inter != 0f) {
      throw new IOException(file + ": scaled voxels (scl " + slope + ", " + inter + ") in a label");
    }
    double[] spacing = {h.getFloat(80), h.getFloat(84), h.getFloat(88)};
    int offset = (int) h.getFloat(108);
    long count = (long) nx * ny * nz;
    if (offset < NIFTI1_HEADER_BYTES || offset + count > bytes.length) {
      throw new IOException(
          file + ": vox_offset " + offset + " and " + count + " voxels exceed the file");
    }
    byte[] voxels = new byte[(int) count];
    System.arraycopy(bytes, offset, voxels, 0, voxels.length);
    return new LabelVolume(nx, ny, nz, spacing, voxels);
  }
}
