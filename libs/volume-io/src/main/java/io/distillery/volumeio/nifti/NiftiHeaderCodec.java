package io.distillery.volumeio.nifti;

import io.distillery.volumeio.VolumeFormatException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Binary layout of the NIfTI-1 (348-byte) and NIfTI-2 (540-byte) headers: decoding with validation
 * of every field the reader relies on, and encoding.
 */
public final class NiftiHeaderCodec {
  /** {@code sizeof_hdr} of NIfTI-1. */
  public static final int NIFTI1_SIZE = 348;

  /** {@code sizeof_hdr} of NIfTI-2. */
  public static final int NIFTI2_SIZE = 540;

  private static final byte[] MAGIC2 = {'n', '+', '2', 0, '\r', '\n', 0x1A, '\n'};

  private NiftiHeaderCodec() {}

  /** Version and byte order told by the first four bytes ({@code sizeof_hdr}). */
  record Layout(int version, ByteOrder order) {
    int size() {
      return version == 1 ? NIFTI1_SIZE : NIFTI2_SIZE;
    }
  }

  static Layout layout(byte[] first4) {
    int le = ByteBuffer.wrap(first4).order(ByteOrder.LITTLE_ENDIAN).getInt(0);
    int be = ByteBuffer.wrap(first4).order(ByteOrder.BIG_ENDIAN).getInt(0);
    if (le == NIFTI1_SIZE) {
      return new Layout(1, ByteOrder.LITTLE_ENDIAN);
    }
    if (be == NIFTI1_SIZE) {
      return new Layout(1, ByteOrder.BIG_ENDIAN);
    }
    if (le == NIFTI2_SIZE) {
      return new Layout(2, ByteOrder.LITTLE_ENDIAN);
    }
    if (be == NIFTI2_SIZE) {
      return new Layout(2, ByteOrder.BIG_ENDIAN);
    }
    throw new VolumeFormatException(
        "not a NIfTI file: sizeof_hdr is "
            + le
            + " (little-endian) / "
            + be
            + " (big-endian), expected 348 (NIfTI-1) or 540 (NIfTI-2)");
  }

  /**
   * Decodes and validates a complete header ({@code bytes} holds at least the 348 or 540 bytes).
   *
   * @throws VolumeFormatException naming the first invalid field
   */
  public static NiftiHeader decode(byte[] bytes) {
    if (bytes.length < 4) {
      throw new VolumeFormatException("truncated header: " + bytes.length + " bytes");
    }
    Layout layout = layout(bytes);
    if (bytes.length < layout.size()) {
      throw new VolumeFormatException(
          "truncated header: " + bytes.length + " of " + layout.size() + " bytes");
    }
    ByteBuffer b = ByteBuffer.wrap(bytes).order(layout.order());
    return layout.version() == 1 ? decode1(b) : decode2(b);
  }

  private static NiftiHeader decode1(ByteBuffer b) {
    String magic = new String(bytes(b, 344, 4), StandardCharsets.ISO_8859_1);
    if (magic.equals("ni1\0")) {
      throw new VolumeFormatException(
          "NIfTI-1 header with magic 'ni1' describes a separate .hdr/.img pair; only single-file .nii"
              + " is supported");
    }
    if (!magic.equals("n+1\0")) {
      throw new VolumeFormatException(
          "wrong NIfTI-1 magic " + printable(magic) + ", expected 'n+1'");
    }
    long[] dim = new long[8];
    for (int i = 0; i < 8; i++) {
      dim[i] = b.getShort(40 + 2 * i);
    }
    double[] pixdim = new double[8];
    for (int i = 0; i < 8; i++) {
      pixdim[i] = b.getFloat(76 + 4 * i);
    }
    double[] srow = new double[12];
    for (int i = 0; i < 12; i++) {
      srow[i] = b.getFloat(280 + 4 * i);
    }
    return build(
        1,
        b.order(),
        dim,
        b.getShort(70),
        b.getShort(72),
        pixdim,
        voxOffset1(b.getFloat(108)),
        b.getFloat(112),
        b.getFloat(116),
        b.get(123) & 0xFF,
        b.getShort(68),
        b.getShort(252),
        b.getShort(254),
        new double[] {b.getFloat(256), b.getFloat(260), b.getFloat(264)},
        new double[] {b.getFloat(268), b.getFloat(272), b.getFloat(276)},
        srow,
        text(b, 148, 80),
        text(b, 228, 24),
        text(b, 328, 16));
  }

  private static long voxOffset1(float f) {
    if (!Float.isFinite(f) || f < 0 || f != Math.rint(f) || f > 1e15f) {
      throw new VolumeFormatException("invalid vox_offset " + f);
    }
    return (long) f;
  }

  private static NiftiHeader decode2(ByteBuffer b) {
    byte[] magic = bytes(b, 4, 8);
    if (!java.util.Arrays.equals(magic, MAGIC2)) {
      throw new VolumeFormatException(
          "wrong NIfTI-2 magic "
              + printable(new String(magic, StandardCharsets.ISO_8859_1))
              + ", expected 'n+2\\0\\r\\n\\032\\n'");
    }
    long[] dim = new long[8];
    for (int i = 0; i < 8; i++) {
      dim[i] = b.getLong(16 + 8 * i);
    }
    double[] pixdim = new double[8];
    for (int i = 0; i < 8; i++) {
      pixdim[i] = b.getDouble(104 + 8 * i);
    }
    double[] srow = new double[12];
    for (int i = 0; i < 12; i++) {
      srow[i] = b.getDouble(400 + 8 * i);
    }
    long voxOffset = b.getLong(168);
    if (voxOffset < 0) {
      throw new VolumeFormatException("invalid vox_offset " + voxOffset);
    }
    return build(
        2,
        b.order(),
        dim,
        b.getShort(12),
        b.getShort(14),
        pixdim,
        voxOffset,
        b.getDouble(176),
        b.getDouble(184),
        b.getInt(500),
        b.getInt(504),
        b.getInt(344),
        b.getInt(348),
        new double[] {b.getDouble(352), b.getDouble(360), b.getDouble(368)},
        new double[] {b.getDouble(376), b.getDouble(384), b.getDouble(392)},
        srow,
        text(b, 240, 80),
        text(b, 320, 24),
        text(b, 508, 16));
  }

  private static NiftiHeader build(
      int version,
      ByteOrder order,
      long[] dim,
      int datatype,
      int bitpix,
      double[] pixdim,
      long voxOffset,
      double slope,
      double inter,
      int xyztUnits,
      int intent,
      int qformCode,
      int sformCode,
      double[] quatern,
      double[] qoffset,
      double[] srow,
      String descrip,
      String aux,
      String intentName) {
    long ndim = dim[0];
    if (ndim < 1 || ndim > 7) {
      throw new VolumeFormatException("dim[0] = " + ndim + ", must be 1..7");
    }
    long[] d = {1, 1, 1, 1, 1, 1, 1, 1};
    for (int i = 1; i <= ndim; i++) {
      if (dim[i] < 1) {
        throw new VolumeFormatException("dim[" + i + "] = " + dim[i] + ", must be >= 1");
      }
      d[i] = dim[i];
    }
    long extra = 1;
    for (int i = 4; i <= 7; i++) {
      extra = multiply(extra, d[i], "dim[4..7]");
    }
    if (extra != 1) {
      throw new VolumeFormatException(
          "file holds "
              + extra
              + " volumes (dim[4..7] = "
              + d[4]
              + ","
              + d[5]
              + ","
              + d[6]
              + ","
              + d[7]
              + "); only single-volume files are supported");
    }
    for (int i = 1; i <= 3; i++) {
      if (d[i] > Integer.MAX_VALUE) {
        throw new VolumeFormatException("dim[" + i + "] = " + d[i] + " is too large");
      }
    }
    NiftiDataType type = NiftiDataType.fromCode(datatype);
    if (bitpix != type.bitpix()) {
      throw new VolumeFormatException(
          "bitpix "
              + bitpix
              + " does not match datatype "
              + type.label()
              + " ("
              + type.bitpix()
              + " bits)");
    }
    long voxels = multiply(multiply(d[1], d[2], "dim[1..3]"), d[3], "dim[1..3]");
    multiply(voxels, type.bytes(), "dims x bitpix");
    int headerSize = version == 1 ? NIFTI1_SIZE : NIFTI2_SIZE;
    long offset = voxOffset == 0 ? headerSize + 4L : voxOffset;
    if (offset < headerSize) {
      throw new VolumeFormatException(
          "vox_offset " + voxOffset + " lies inside the " + headerSize + "-byte header");
    }
    for (int i = 1; i <= 3; i++) {
      if (i <= ndim) {
        if (!Double.isFinite(pixdim[i]) || pixdim[i] <= 0) {
          throw new VolumeFormatException(
              "pixdim[" + i + "] = " + pixdim[i] + ": voxel spacing must be finite and > 0");
        }
      } else if (!Double.isFinite(pixdim[i]) || pixdim[i] <= 0) {
        pixdim[i] = 1.0; // spacing of an absent axis is meaningless; 1 keeps the affine invertible
      }
    }
    NiftiHeader h =
        new NiftiHeader(
            version,
            order,
            (int) d[1],
            (int) d[2],
            (int) d[3],
            type,
            pixdim,
            offset,
            slope,
            inter,
            xyztUnits,
            intent,
            qformCode,
            sformCode,
            quatern,
            qoffset,
            srow,
            descrip,
            aux,
            intentName);
    h.affine(); // validates the resolved transform now, so a bad header never yields a volume
    return h;
  }

  private static long multiply(long a, long b, String what) {
    try {
      return Math.multiplyExact(a, b);
    } catch (ArithmeticException e) {
      throw new VolumeFormatException(what + " overflow: " + a + " x " + b, e);
    }
  }

  /**
   * Encodes {@code h} followed by the 4-byte extension flag (all zero: no extensions), i.e. exactly
   * {@code h.headerSize() + 4} bytes; {@code vox_offset} is written as that size.
   */
  public static byte[] encode(NiftiHeader h) {
    int size = h.headerSize();
    ByteBuffer b = ByteBuffer.allocate(size + 4).order(h.byteOrder());
    double[] dim = {3, h.nx(), h.ny(), h.nz(), 1, 1, 1, 1};
    if (h.version() == 1) {
      for (int i = 1; i <= 3; i++) {
        if (dim[i] > Short.MAX_VALUE) {
          throw new IllegalArgumentException(
              "dimension " + (long) dim[i] + " does not fit NIfTI-1 (max 32767); write NIfTI-2");
        }
      }
      b.putInt(0, NIFTI1_SIZE);
      b.put(38, (byte) 'r'); // "regular", as the reference library writes it
      for (int i = 0; i < 8; i++) {
        b.putShort(40 + 2 * i, (short) dim[i]);
      }
      b.putShort(68, (short) h.intentCode());
      b.putShort(70, (short) h.dataType().code());
      b.putShort(72, (short) h.dataType().bitpix());
      for (int i = 0; i < 8; i++) {
        b.putFloat(76 + 4 * i, (float) h.pixdim()[i]);
      }
      b.putFloat(108, size + 4);
      b.putFloat(112, (float) h.sclSlope());
      b.putFloat(116, (float) h.sclInter());
      b.put(123, (byte) h.xyztUnits());
      putText(b, 148, 80, h.descrip());
      putText(b, 228, 24, h.auxFile());
      b.putShort(252, (short) h.qformCode());
      b.putShort(254, (short) h.sformCode());
      for (int i = 0; i < 3; i++) {
        b.putFloat(256 + 4 * i, (float) h.quatern()[i]);
        b.putFloat(268 + 4 * i, (float) h.qoffset()[i]);
      }
      for (int i = 0; i < 12; i++) {
        b.putFloat(280 + 4 * i, (float) h.srow()[i]);
      }
      putText(b, 328, 16, h.intentName());
      b.put(344, new byte[] {'n', '+', '1', 0});
    } else {
      b.putInt(0, NIFTI2_SIZE);
      b.put(4, MAGIC2);
      b.putShort(12, (short) h.dataType().code());
      b.putShort(14, (short) h.dataType().bitpix());
      for (int i = 0; i < 8; i++) {
        b.putLong(16 + 8 * i, (long) dim[i]);
      }
      for (int i = 0; i < 8; i++) {
        b.putDouble(104 + 8 * i, h.pixdim()[i]);
      }
      b.putLong(168, size + 4L);
      b.putDouble(176, h.sclSlope());
      b.putDouble(184, h.sclInter());
      putText(b, 240, 80, h.descrip());
      putText(b, 320, 24, h.auxFile());
      b.putInt(344, h.qformCode());
      b.putInt(348, h.sformCode());
      for (int i = 0; i < 3; i++) {
        b.putDouble(352 + 8 * i, h.quatern()[i]);
        b.putDouble(376 + 8 * i, h.qoffset()[i]);
      }
      for (int i = 0; i < 12; i++) {
        b.putDouble(400 + 8 * i, h.srow()[i]);
      }
      b.putInt(500, h.xyztUnits());
      b.putInt(504, h.intentCode());
      putText(b, 508, 16, h.intentName());
    }
    return b.array();
  }

  private static byte[] bytes(ByteBuffer b, int offset, int n) {
    byte[] out = new byte[n];
    b.get(offset, out);
    return out;
  }

  private static String text(ByteBuffer b, int offset, int n) {
    byte[] raw = bytes(b, offset, n);
    int len = 0;
    while (len < n && raw[len] != 0) {
      len++;
    }
    return new String(raw, 0, len, StandardCharsets.ISO_8859_1);
  }

  private static void putText(ByteBuffer b, int offset, int n, String s) {
    if (s == null || s.isEmpty()) {
      return;
    }
    byte[] raw = s.getBytes(StandardCharsets.ISO_8859_1);
    b.put(offset, raw, 0, Math.min(raw.length, n - 1));
  }

  private static String printable(String s) {
    StringBuilder out = new StringBuilder("'");
    for (char c : s.toCharArray()) {
      out.append(c >= 32 && c < 127 ? String.valueOf(c) : String.format("\\x%02x", (int) c));
    }
    return out.append('\'').toString();
  }
}
