package io.distillery.volumeio.nifti;

import io.distillery.volumeio.LabelVolume;
import io.distillery.volumeio.Modality;
import io.distillery.volumeio.Volume;
import io.distillery.volumeio.VolumeFormatException;
import io.distillery.volumeio.VolumeMetadata;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads NIfTI-1 and NIfTI-2 single files ({@code .nii}, or gzip-compressed {@code .nii.gz},
 * detected by content not name), either byte order, datatypes uint8, int8, int16, uint16, int32,
 * uint32, float32 and float64. Header extensions are skipped. 4-D files are accepted when they hold
 * a single volume.
 *
 * <p>Malformed input of any kind ends in a {@link VolumeFormatException} that says what is wrong,
 * before any large allocation where the header already tells: exactly {@code vox_offset + voxels ×
 * bytes} are decompressed, never more than {@link NiftiReadOptions#maxDecompressedBytes()}.
 * File-system failures remain {@link IOException}s. Instances are immutable and thread-safe.
 */
public final class NiftiReader {
  private static final int CHUNK = 1 << 20; // multiple of every element size
  private static final int STREAM_BUFFER = 1 << 16;
  // After the voxels, up to this much is read so that gzip's CRC-32 and length trailer get checked.
  private static final int TRAILER_DRAIN = 1 << 16;

  private final NiftiReadOptions options;

  public NiftiReader(NiftiReadOptions options) {
    this.options = options;
  }

  /** A reader with {@link NiftiReadOptions#defaults()}. */
  public static NiftiReader withDefaults() {
    return new NiftiReader(NiftiReadOptions.defaults());
  }

  public NiftiReadOptions options() {
    return options;
  }

  /** Only the header (the voxel data is not decompressed). */
  public NiftiHeader readHeader(Path path) throws IOException {
    try (InputStream raw = Files.newInputStream(path);
        InputStream in = open(raw).in()) {
      return readHeaderOnly(new Opened(in, false));
    } catch (VolumeFormatException e) {
      throw withSource(e, path);
    }
  }

  /** An intensity volume with {@code scl_slope}/{@code scl_inter} applied, modality unknown. */
  public Volume readVolume(Path path) throws IOException {
    return readFile(path, this::decodeVolume);
  }

  /** As {@link #readVolume(Path)} from a stream (not closed). */
  public Volume readVolume(InputStream in) throws IOException {
    return read(in, -1, this::decodeVolume);
  }

  /** As {@link #readVolume(Path)} from bytes held in memory. */
  public Volume readVolume(byte[] bytes) {
    return readBytes(bytes, this::decodeVolume);
  }

  /**
   * A label map: values after scaling must be integers in 0..65535.
   *
   * @param names label value → name to attach (may be empty)
   */
  public LabelVolume readLabels(Path path, Map<Integer, String> names) throws IOException {
    return readFile(path, this::decodeLabels).withNames(names);
  }

  /** As {@link #readLabels(Path, Map)} from a stream (not closed). */
  public LabelVolume readLabels(InputStream in, Map<Integer, String> names) throws IOException {
    return read(in, -1, this::decodeLabels).withNames(names);
  }

  /** As {@link #readLabels(Path, Map)} from bytes held in memory. */
  public LabelVolume readLabels(byte[] bytes, Map<Integer, String> names) {
    return readBytes(bytes, this::decodeLabels).withNames(names);
  }

  /** Header and raw voxel bytes, without any conversion (bit-exact). */
  public NiftiImage readRaw(Path path) throws IOException {
    return readFile(path, this::decodeRaw);
  }

  /** As {@link #readRaw(Path)} from bytes held in memory. */
  public NiftiImage readRaw(byte[] bytes) {
    return readBytes(bytes, this::decodeRaw);
  }

  @FunctionalInterface
  private interface Decoder<T> {
    T decode(NiftiHeader h, InputStream in) throws IOException;
  }

  private <T> T readFile(Path path, Decoder<T> decoder) throws IOException {
    try (InputStream raw = Files.newInputStream(path)) {
      return read(raw, Files.size(path), decoder);
    } catch (VolumeFormatException e) {
      throw withSource(e, path);
    }
  }

  private <T> T readBytes(byte[] bytes, Decoder<T> decoder) {
    try {
      return read(new ByteArrayInputStream(bytes), bytes.length, decoder);
    } catch (IOException e) {
      throw new VolumeFormatException("unreadable NIfTI bytes: " + e.getMessage(), e);
    }
  }

  private static VolumeFormatException withSource(VolumeFormatException e, Path path) {
    return new VolumeFormatException(path + ": " + e.getMessage(), e);
  }

  private <T> T read(InputStream raw, long rawSize, Decoder<T> decoder) throws IOException {
    // The shield keeps a caller's stream open while closing our gzip layer frees its native
    // inflater.
    InputStream shielded =
        new FilterInputStream(raw) {
          @Override
          public void close() {}
        };
    Opened o = open(shielded);
    try (InputStream ignored = o.in()) {
      NiftiHeader h = readHeaderOnly(o);
      long needed;
      try {
        needed = Math.addExact(h.voxOffset(), h.dataBytes());
      } catch (ArithmeticException e) {
        throw new VolumeFormatException(
            "vox_offset " + h.voxOffset() + " + " + h.dataBytes() + " voxel bytes overflows", e);
      }
      if (needed > options.maxDecompressedBytes()) {
        throw new VolumeFormatException(
            "file needs "
                + needed
                + " bytes (vox_offset "
                + h.voxOffset()
                + " + "
                + h.dataBytes()
                + " voxel bytes), over the limit of "
                + options.maxDecompressedBytes());
      }
      if (!o.gzip() && rawSize >= 0 && needed > rawSize) {
        throw new VolumeFormatException(
            "truncated or vox_offset past the end: file has "
                + rawSize
                + " bytes, header needs "
                + needed
                + " (vox_offset "
                + h.voxOffset()
                + ")");
      }
      skipFully(o.in(), h.voxOffset() - h.headerSize(), "header extensions");
      T result = decoder.decode(h, o.in());
      if (o.gzip()) {
        drain(o.in());
      }
      return result;
    } catch (ZipException e) {
      throw new VolumeFormatException("corrupt gzip stream: " + e.getMessage(), e);
    } catch (EOFException e) {
      throw new VolumeFormatException("truncated gzip stream: " + e.getMessage(), e);
    }
  }

  private record Opened(InputStream in, boolean gzip) {}

  private static Opened open(InputStream raw) throws IOException {
    BufferedInputStream b = new BufferedInputStream(raw, STREAM_BUFFER);
    b.mark(2);
    int b0 = b.read();
    int b1 = b.read();
    b.reset();
    if (b0 == 0x1f && b1 == 0x8b) {
      try {
        return new Opened(new GZIPInputStream(b, STREAM_BUFFER), true);
      } catch (ZipException e) {
        throw new VolumeFormatException("corrupt gzip header: " + e.getMessage(), e);
      } catch (EOFException e) {
        throw new VolumeFormatException("truncated gzip header", e);
      }
    }
    return new Opened(b, false);
  }

  private static NiftiHeader readHeaderOnly(Opened o) throws IOException {
    try {
      byte[] first = new byte[4];
      readFully(o.in(), first, 0, 4, "sizeof_hdr");
      NiftiHeaderCodec.Layout layout = NiftiHeaderCodec.layout(first);
      byte[] all = new byte[layout.size()];
      System.arraycopy(first, 0, all, 0, 4);
      readFully(o.in(), all, 4, all.length - 4, "header");
      return NiftiHeaderCodec.decode(all);
    } catch (ZipException e) {
      throw new VolumeFormatException("corrupt gzip stream: " + e.getMessage(), e);
    } catch (EOFException e) {
      throw new VolumeFormatException("truncated gzip stream: " + e.getMessage(), e);
    }
  }

  private VolumeMetadata metadata(NiftiHeader h) {
    Map<String, String> text = new LinkedHashMap<>();
    if (options.keepFreeText()) {
      text.put("descrip", h.descrip());
      text.put("aux_file", h.auxFile());
      text.put("intent_name", h.intentName());
    }
    return new VolumeMetadata("NIfTI-" + h.version(), h.dataType().label(), text);
  }

  private Volume decodeVolume(NiftiHeader h, InputStream in) throws IOException {
    float[] out = HeapGuard.floats(h.voxelCount());
    VoxelDecoding.Scaling s = new VoxelDecoding.Scaling(h);
    streamChunks(
        h,
        in,
        (chunk, count, offset) ->
            VoxelDecoding.toFloat(h.dataType(), chunk, count, out, offset, s));
    return new Volume(h.grid(), out, Modality.UNKNOWN, metadata(h));
  }

  private LabelVolume decodeLabels(NiftiHeader h, InputStream in) throws IOException {
    short[] out = HeapGuard.shorts(h.voxelCount());
    VoxelDecoding.Scaling s = new VoxelDecoding.Scaling(h);
    streamChunks(
        h,
        in,
        (chunk, count, offset) ->
            VoxelDecoding.toLabel(h.dataType(), chunk, count, out, offset, s));
    return new LabelVolume(h.grid(), out, Map.of(), metadata(h));
  }

  private NiftiImage decodeRaw(NiftiHeader h, InputStream in) throws IOException {
    byte[] out = HeapGuard.bytes(h.dataBytes());
    readFully(in, out, 0, out.length, "voxel data");
    return new NiftiImage(h, ByteBuffer.wrap(out));
  }

  @FunctionalInterface
  private interface ChunkSink {
    void accept(ByteBuffer chunk, int count, int offset);
  }

  private static void streamChunks(NiftiHeader h, InputStream in, ChunkSink sink)
      throws IOException {
    int elementBytes = h.dataType().bytes();
    long remaining = h.dataBytes();
    byte[] buf = new byte[(int) Math.min(CHUNK, Math.max(remaining, elementBytes))];
    ByteBuffer bb = ByteBuffer.wrap(buf).order(h.byteOrder());
    int offset = 0;
    while (remaining > 0) {
      int n = (int) Math.min(buf.length, remaining);
      readFully(in, buf, 0, n, "voxel data");
      int count = n / elementBytes;
      sink.accept(bb, count, offset);
      offset += count;
      remaining -= n;
    }
  }

  static void readFully(InputStream in, byte[] buf, int off, int len, String what)
      throws IOException {
    int done = 0;
    while (done < len) {
      int n = in.read(buf, off + done, len - done);
      if (n < 0) {
        throw new VolumeFormatException(
            "truncated file: " + what + " ended after " + done + " of " + len + " bytes");
      }
      done += n;
    }
  }

  private static void skipFully(InputStream in, long n, String what) throws IOException {
    byte[] scratch = new byte[(int) Math.min(n, STREAM_BUFFER)];
    long left = n;
    while (left > 0) {
      int k = in.read(scratch, 0, (int) Math.min(scratch.length, left));
      if (k < 0) {
        throw new VolumeFormatException(
            "truncated file: " + what + " ended after " + (n - left) + " of " + n + " bytes");
      }
      left -= k;
    }
  }

  private static void drain(InputStream in) throws IOException {
    byte[] scratch = new byte[8192];
    long left = TRAILER_DRAIN;
    while (left > 0) {
      int k = in.read(scratch, 0, (int) Math.min(scratch.length, left));
      if (k < 0) {
        return;
      }
      left -= k;
    }
  }
}
