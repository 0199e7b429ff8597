package io.distillery.volumeio.nifti;

import io.distillery.volumeio.Grid;
import io.distillery.volumeio.LabelVolume;
import io.distillery.volumeio.Volume;
import io.distillery.volumeio.VolumeMetadata;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.zip.GZIPOutputStream;

/**
 * Writes NIfTI-1/2 single files that other tools (nibabel, ITK, nnU-Net) read the same way: qform
 * and sform both set from the affine (code scanner-anatomical; the qform is omitted only for a
 * sheared affine), {@code pixdim} = spacings with qfac, {@code xyzt_units} = mm, {@code
 * intent_code} = NIFTI_INTENT_LABEL for label maps, no header extensions and no free text unless
 * asked. Files are written to a temporary sibling and moved into place, so readers never see half a
 * file.
 */
public final class NiftiWriter {
  private static final int CHUNK = 1 << 20;

  private NiftiWriter() {}

  /** Writes an intensity volume as float32, gzip-compressed when the name ends in {@code .gz}. */
  public static void write(Volume v, Path path) throws IOException {
    write(v, path, NiftiWriteOptions.defaults());
  }

  /**
   * Writes an intensity volume. For integer datatypes each value is stored as {@code rint((v −
   * inter) / slope)}.
   *
   * @throws IllegalArgumentException if a value (after scaling) does not fit the datatype, or is
   *     NaN and the datatype is an integer one
   */
  public static void write(Volume v, Path path, NiftiWriteOptions o) throws IOException {
    NiftiDataType type = o.dataType() == null ? NiftiDataType.FLOAT32 : o.dataType();
    NiftiHeader h = header(v.grid(), v.metadata(), type, o, o.sclSlope(), o.sclInter(), 0);
    float[] data = v.data();
    writeFile(
        path,
        o,
        h,
        (bb, from, count) -> {
          for (int i = 0; i < count; i++) {
            VoxelEncoding.put(type, bb, i, data[from + i], o.sclSlope(), o.sclInter(), from + i);
          }
        });
  }

  /**
   * Writes a label map as uint8 (uint16 when a label exceeds 255) with intent NIFTI_INTENT_LABEL.
   */
  public static void write(LabelVolume l, Path path) throws IOException {
    write(l, path, NiftiWriteOptions.defaults());
  }

  /** Writes a label map; {@code o.dataType()} may force any integer type wide enough. */
  public static void write(LabelVolume l, Path path, NiftiWriteOptions o) throws IOException {
    NiftiDataType type = o.dataType();
    if (type == null) {
      type = l.maxLabel() <= 255 ? NiftiDataType.UINT8 : NiftiDataType.UINT16;
    }
    NiftiDataType t = type;
    NiftiHeader h = header(l.grid(), l.metadata(), t, o, 1.0, 0.0, NiftiHeader.INTENT_LABEL);
    short[] data = l.data();
    writeFile(
        path,
        o,
        h,
        (bb, from, count) -> {
          for (int i = 0; i < count; i++) {
            VoxelEncoding.put(t, bb, i, Short.toUnsignedInt(data[from + i]), 1.0, 0.0, from + i);
          }
        });
  }

  /**
   * Writes a raw image bit-exactly, in {@code o}'s version, byte order and compression (the data is
   * byte-swapped when the order changes); datatype, scaling, intent and transforms come from its
   * header. Free text is dropped unless {@code o.writeFreeText()}.
   */
  public static void writeRaw(NiftiImage image, Path path, NiftiWriteOptions o) throws IOException {
    NiftiHeader src = image.header();
    NiftiHeader h = src.withLayout(o.version(), o.byteOrder());
    if (!o.writeFreeText()) {
      h = h.withFreeText("", "", "");
    }
    int size = src.dataType().bytes();
    ByteBuffer in = image.data();
    boolean swap = in.order() != o.byteOrder();
    writeFile(
        path,
        o,
        h,
        (bb, from, count) -> {
          int base = from * size;
          if (!swap || size == 1) {
            bb.put(0, in, base, count * size);
            return;
          }
          for (int i = 0; i < count; i++) {
            for (int k = 0; k < size; k++) {
              bb.put(i * size + k, in.get(base + i * size + size - 1 - k));
            }
          }
        });
  }

  private static NiftiHeader header(
      Grid g,
      VolumeMetadata meta,
      NiftiDataType type,
      NiftiWriteOptions o,
      double slope,
      double inter,
      int intent) {
    boolean needsV2 =
        g.nx() > Short.MAX_VALUE || g.ny() > Short.MAX_VALUE || g.nz() > Short.MAX_VALUE;
    int version = needsV2 ? 2 : o.version();
    NiftiHeader h = NiftiHeader.forGrid(version, o.byteOrder(), g, type, slope, inter, intent);
    if (o.writeFreeText()) {
      h =
          h.withFreeText(
              meta.freeText().getOrDefault("descrip", ""),
              meta.freeText().getOrDefault("aux_file", ""),
              meta.freeText().getOrDefault("intent_name", ""));
    }
    return h;
  }

  @FunctionalInterface
  private interface ChunkFiller {
    /** Encodes elements {@code from .. from+count-1} into {@code bb} starting at byte 0. */
    void fill(ByteBuffer bb, int from, int count);
  }

  private static void writeFile(Path path, NiftiWriteOptions o, NiftiHeader h, ChunkFiller filler)
      throws IOException {
    boolean gzip = o.gzip() != null ? o.gzip() : path.getFileName().toString().endsWith(".gz");
    Path parent = path.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    Path tmp = Files.createTempFile(parent, "." + path.getFileName(), ".tmp");
    try {
      try (OutputStream file = Files.newOutputStream(tmp);
          OutputStream out =
              gzip
                  ? gzipStream(file, o.compressionLevel())
                  : new BufferedOutputStream(file, 1 << 16)) {
        write(out, h, filler);
      }
      Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static OutputStream gzipStream(OutputStream file, int level) throws IOException {
    return new GZIPOutputStream(file, 1 << 16) {
      {
        def.setLevel(level);
      }
    };
  }

  private static void write(OutputStream out, NiftiHeader h, ChunkFiller filler)
      throws IOException {
    out.write(NiftiHeaderCodec.encode(h));
    int size = h.dataType().bytes();
    int perChunk = CHUNK / size;
    ByteBuffer bb = ByteBuffer.allocate(CHUNK).order(h.byteOrder());
    long total = h.voxelCount();
    for (long from = 0; from < total; from += perChunk) {
      int count = (int) Math.min(perChunk, total - from);
      filler.fill(bb, (int) from, count);
      out.write(bb.array(), 0, count * size);
    }
  }
}
