package io.distillery.tensorcodec;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32;

/**
 * Byte layout of the header, little-endian throughout:
 *
 * <pre>
 *  0  magic           4 bytes  0x89 'D' 'T' 'C' (the high byte catches 7-bit/text transfers)
 *  4  version         u16      1
 *  6  headerLength    u16      total header bytes, this CRC included
 *  8  kind            u8       {@link TensorKind#id()}
 *  9  dtype           u8       1 = float32 (the decoded element type)
 * 10  quantisation    u8       {@link Quantisation#id()}
 * 11  bits            u8       {@link Quantisation#bits()}, checked against the id
 * 12  compression     u8       {@link Compression#id()}
 * 13  rank            u8       1..8
 * 14  reserved        u16      0
 * 16  dims            rank × i64, channel first
 *     [affine only]   C × (f32 offset, f32 scale)
 *     payloadLength   i64      ≥ 0
 *     payloadCrc32    u32
 *     headerCrc32     u32      CRC-32 of all header bytes before it
 * </pre>
 *
 * <p>The header is at most 65535 bytes, so reading it never allocates more than that whatever the
 * input claims; everything after is the payload (see {@link TensorCodec}).
 */
final class HeaderFormat {

  static final byte[] MAGIC = {(byte) 0x89, 'D', 'T', 'C'};
  static final int DTYPE_FLOAT32 = 1;
  static final int PREFIX_BYTES = 8;
  static final int MAX_HEADER_BYTES = 0xffff;

  private HeaderFormat() {}

  static int headerLength(int rank, long affineChannels) {
    long n = 16L + 8L * rank + 8L * affineChannels + 8 + 4 + 4;
    if (n > MAX_HEADER_BYTES) {
      throw new TensorCodecException(
          "header of "
              + n
              + " bytes exceeds "
              + MAX_HEADER_BYTES
              + " (too many channels for per-channel affine quantisation: "
              + affineChannels
              + ")");
    }
    return (int) n;
  }

  static byte[] write(TensorHeader h) {
    long[] shape = h.shape();
    boolean affine = h.quantisation() == Quantisation.AFFINE_8BIT_PER_CHANNEL;
    int length = headerLength(shape.length, affine ? shape[0] : 0);
    ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
    b.put(MAGIC);
    b.putShort((short) h.version());
    b.putShort((short) length);
    b.put((byte) h.kind().id());
    b.put((byte) DTYPE_FLOAT32);
    b.put((byte) h.quantisation().id());
    b.put((byte) h.quantisation().bits());
    b.put((byte) h.compression().id());
    b.put((byte) shape.length);
    b.putShort((short) 0);
    for (long d : shape) {
      b.putLong(d);
    }
    if (affine) {
      float[] offsets = h.channelOffsets();
      float[] scales = h.channelScales();
      for (int c = 0; c < offsets.length; c++) {
        b.putFloat(offsets[c]);
        b.putFloat(scales[c]);
      }
    }
    b.putLong(h.payloadLength());
    b.putInt(h.payloadCrc32());
    b.putInt(crc(b.array(), 0, length - 4));
    return b.array();
  }

  /** Reads exactly one header from {@code in}, leaving the stream at the first payload byte. */
  static TensorHeader read(InputStream in) {
    try {
      byte[] prefix = in.readNBytes(PREFIX_BYTES);
      int length = checkPrefix(prefix, 0, prefix.length);
      byte[] all = new byte[length];
      System.arraycopy(prefix, 0, all, 0, PREFIX_BYTES);
      int rest = in.readNBytes(all, PREFIX_BYTES, length - PREFIX_BYTES);
      if (rest != length - PREFIX_BYTES) {
        throw new TensorCodecException(
            "truncated header: " + (PREFIX_BYTES + rest) + " of " + length + " bytes");
      }
      return parse(all, 0, length);
    } catch (IOException e) {
      throw new TensorCodecException("cannot read header: " + e.getMessage(), e);
    }
  }

  /** Parses the header at {@code off}; {@code available} bytes may follow there. */
  static TensorHeader read(byte[] buf, int off, int available) {
    int length = checkPrefix(buf, off, available);
    if (length > available) {
      throw new TensorCodecException("truncated header: " + available + " of " + length + " bytes");
    }
    return parse(buf, off, length);
  }

  /** Checks magic and version; returns the declared header length. */
  private static int checkPrefix(byte[] buf, int off, int available) {
    if (available < PREFIX_BYTES) {
      throw new TensorCodecException(
          "truncated header: " + available + " bytes, at least " + PREFIX_BYTES + " expected");
    }
    for (int i = 0; i < MAGIC.length; i++) {
      if (buf[off + i] != MAGIC[i]) {
        throw new TensorCodecException("not an encoded tensor: bad magic bytes");
      }
    }
    ByteBuffer b = ByteBuffer.wrap(buf, off, PREFIX_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    b.position(off + 4);
    int version = Short.toUnsignedInt(b.getShort());
    if (version != TensorHeader.FORMAT_VERSION) {
      throw new TensorCodecException(
          "unsupported format version "
              + version
              + " (this reader supports "
              + TensorHeader.FORMAT_VERSION
              + ")");
    }
    int length = Short.toUnsignedInt(b.getShort());
    if (length < headerLength(1, 0)) {
      throw new TensorCodecException("corrupt header: declared length " + length + " too small");
    }
    return length;
  }

  private static TensorHeader parse(byte[] buf, int off, int length) {
    ByteBuffer b = ByteBuffer.wrap(buf, off, length).slice().order(ByteOrder.LITTLE_ENDIAN);
    int storedCrc = b.getInt(length - 4);
    if (storedCrc != crc(buf, off, length - 4)) {
      throw new TensorCodecException("corrupt header: CRC-32 mismatch");
    }
    b.position(8);
    TensorKind kind = TensorKind.fromId(Byte.toUnsignedInt(b.get()));
    int dtype = Byte.toUnsignedInt(b.get());
    if (dtype != DTYPE_FLOAT32) {
      throw new TensorCodecException("unsupported decoded dtype id " + dtype);
    }
    Quantisation quantisation = Quantisation.fromId(Byte.toUnsignedInt(b.get()));
    int bits = Byte.toUnsignedInt(b.get());
    Compression compression = Compression.fromId(Byte.toUnsignedInt(b.get()));
    int rank = Byte.toUnsignedInt(b.get());
    b.getShort();
    if (quantisation.kind() != kind || quantisation.bits() != bits) {
      throw new TensorCodecException(
          "inconsistent header: " + kind + " with " + quantisation + " at " + bits + " bits");
    }
    if (!compression.supports(quantisation)) {
      throw new TensorCodecException(
          "inconsistent header: " + compression + " is not defined for " + quantisation);
    }
    if (rank < 1 || rank > TensorHeader.MAX_RANK) {
      throw new TensorCodecException(
          "rank " + rank + " outside 1.." + TensorHeader.MAX_RANK + " in header");
    }
    boolean affine = quantisation == Quantisation.AFFINE_8BIT_PER_CHANNEL;
    long expected = 16L + 8L * rank + 16;
    if (length < expected) {
      throw new TensorCodecException("corrupt header: " + length + " bytes for rank " + rank);
    }
    long[] shape = new long[rank];
    for (int i = 0; i < rank; i++) {
      shape[i] = b.getLong();
    }
    Shapes.checkedElementCount(shape);
    long affineChannels = affine ? shape[0] : 0;
    if (length != 16L + 8L * rank + 8L * affineChannels + 16) {
      throw new TensorCodecException(
          "corrupt header: length " + length + " does not match rank and channel count");
    }
    float[] offsets = new float[(int) affineChannels];
    float[] scales = new float[(int) affineChannels];
    for (int c = 0; c < affineChannels; c++) {
      offsets[c] = b.getFloat();
      scales[c] = b.getFloat();
      if (!Float.isFinite(offsets[c]) || !Float.isFinite(scales[c]) || scales[c] < 0) {
        throw new TensorCodecException(
            "corrupt header: channel " + c + " offset/scale " + offsets[c] + "/" + scales[c]);
      }
    }
    long payloadLength = b.getLong();
    if (payloadLength < 0) {
      throw new TensorCodecException("corrupt header: negative payload length " + payloadLength);
    }
    int payloadCrc = b.getInt();
    return new TensorHeader(
        TensorHeader.FORMAT_VERSION,
        kind,
        quantisation,
        compression,
        shape,
        offsets,
        scales,
        payloadLength,
        payloadCrc);
  }

  static int crc(byte[] buf, int off, int len) {
    CRC32 crc = new CRC32();
    crc.update(buf, off, len);
    return (int) crc.getValue();
  }
}
