package io.distillery.tensorcodec;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32;

/**
 * Encodes teacher soft labels and feature maps into a compact, versioned binary record, and decodes
 * such records back to 32-bit floats.
 *
 * <p>Tensor layout: channel first, then row-major with the last dimension fastest; for volumes CDHW
 * (channel, z, y, x with x fastest). A record is a {@linkplain HeaderFormat header} followed by a
 * payload: a channel table of {@code C × (i64 storedLength, i64 rawLength)} and then each channel's
 * stored bytes in order. Channels are quantised and compressed independently ({@code rawLength} is
 * the size before compression), so one teacher's channel never depends on another's. A CRC-32 of
 * the payload in the header detects corruption and truncation; every length is checked against the
 * header and against {@link DecodeLimits} before anything is allocated.
 *
 * <p>Thread-safe: all methods are static and stateless.
 */
public final class TensorCodec {

  private static final int TABLE_ENTRY_BYTES = 16;

  private TensorCodec() {}

  /**
   * Encodes probabilities in [0, 1] (values within 1e-5 outside are clamped).
   *
   * @param data values in the layout of {@code shape} (CDHW for volumes)
   * @param shape dimensions, channel first
   * @param encoding quantisation and compression, e.g. {@link ProbabilityEncoding#standard()}
   * @return the encoded record
   * @throws TensorCodecException if the shape does not match or a value is outside [0, 1] or NaN
   */
  public static byte[] encodeProbabilities(
      float[] data, long[] shape, ProbabilityEncoding encoding) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    encodeProbabilities(data, shape, encoding, out);
    return out.toByteArray();
  }

  /**
   * As {@link #encodeProbabilities(float[], long[], ProbabilityEncoding)}, written to {@code out}.
   */
  public static void encodeProbabilities(
      float[] data, long[] shape, ProbabilityEncoding encoding, OutputStream out) {
    int n = elementsPerChannel(data, shape);
    Quantisation quantisation = encoding.quantisation();
    int maxLevel = quantisation.maxLevel();
    byte[][] blocks = new byte[(int) shape[0]][];
    long[] rawLengths = new long[blocks.length];
    for (int c = 0; c < blocks.length; c++) {
      byte[] levels = ProbabilityChannels.quantise(data, c * n, n, maxLevel);
      byte[] raw =
          switch (encoding.compression()) {
            case RUN_LENGTH_DEFLATE -> ProbabilityChannels.runLengthEncode(levels, maxLevel);
            default ->
                quantisation == Quantisation.UNIT_INTERVAL_4BIT
                    ? ProbabilityChannels.pack4(levels)
                    : levels;
          };
      rawLengths[c] = raw.length;
      blocks[c] = compress(raw, encoding.compression(), encoding.deflateLevel());
    }
    write(
        TensorKind.PROBABILITIES,
        quantisation,
        encoding.compression(),
        shape,
        new float[0],
        new float[0],
        blocks,
        rawLengths,
        out);
  }

  /**
   * Encodes a feature map.
   *
   * @param data values in the layout of {@code shape} (CDHW for volumes)
   * @param shape dimensions, channel first
   * @param encoding fp16 or 8-bit per-channel affine, optionally Deflate-compressed
   * @return the encoded record
   * @throws TensorCodecException if the shape does not match, a finite value overflows fp16, or a
   *     value is not finite under affine quantisation
   */
  public static byte[] encodeFeatures(float[] data, long[] shape, FeatureEncoding encoding) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    encodeFeatures(data, shape, encoding, out);
    return out.toByteArray();
  }

  /** As {@link #encodeFeatures(float[], long[], FeatureEncoding)}, written to {@code out}. */
  public static void encodeFeatures(
      float[] data, long[] shape, FeatureEncoding encoding, OutputStream out) {
    int n = elementsPerChannel(data, shape);
    int channels = (int) shape[0];
    boolean affine = encoding.quantisation() == Quantisation.AFFINE_8BIT_PER_CHANNEL;
    if (affine) {
      HeaderFormat.headerLength(shape.length, channels); // refuse before doing the work
    }
    float[] offsets = new float[affine ? channels : 0];
    float[] scales = new float[affine ? channels : 0];
    byte[][] blocks = new byte[channels][];
    long[] rawLengths = new long[channels];
    for (int c = 0; c < channels; c++) {
      byte[] raw;
      if (affine) {
        float[] parameters = FeatureChannels.affineParameters(data, c * n, n);
        offsets[c] = parameters[0];
        scales[c] = parameters[1];
        raw = FeatureChannels.affineEncode(data, c * n, n, offsets[c], scales[c]);
      } else {
        boolean shuffled = encoding.compression() == Compression.BYTE_SHUFFLE_DEFLATE;
        raw = FeatureChannels.toHalves(data, c * n, n, shuffled);
      }
      rawLengths[c] = raw.length;
      blocks[c] = compress(raw, encoding.compression(), encoding.deflateLevel());
    }
    write(
        TensorKind.FEATURES,
        encoding.quantisation(),
        encoding.compression(),
        shape,
        offsets,
        scales,
        blocks,
        rawLengths,
        out);
  }

  /** Decodes one record under {@link DecodeLimits#defaults()}. */
  public static DecodedTensor decode(byte[] encoded) {
    return decode(encoded, DecodeLimits.defaults());
  }

  /**
   * Decodes one record that starts at {@code encoded[0]}; trailing bytes after it are refused.
   *
   * @throws TensorCodecException if the record is malformed, corrupt, truncated or over the limits
   */
  public static DecodedTensor decode(byte[] encoded, DecodeLimits limits) {
    TensorHeader header = HeaderFormat.read(encoded, 0, encoded.length);
    int headerLength = headerLengthOf(header);
    checkPayloadLimit(header, limits);
    long available = encoded.length - (long) headerLength;
    if (available != header.payloadLength()) {
      throw new TensorCodecException(
          (available < header.payloadLength() ? "truncated payload: " : "trailing bytes: ")
              + available
              + " bytes after the header, "
              + header.payloadLength()
              + " declared");
    }
    return new DecodedTensor(header, decodePayload(header, encoded, headerLength, limits));
  }

  /** Reads and decodes one record from {@code in} under {@link DecodeLimits#defaults()}. */
  public static DecodedTensor decode(InputStream in) {
    return decode(in, DecodeLimits.defaults());
  }

  /**
   * Reads exactly one record from {@code in} and decodes it; the stream is left at the byte after
   * the record, so records can be concatenated. The payload is read in chunks, so a header that
   * declares more than the stream holds fails without allocating the declared size.
   *
   * @throws TensorCodecException if the record is malformed, corrupt, truncated or over the limits
   */
  public static DecodedTensor decode(InputStream in, DecodeLimits limits) {
    TensorHeader header = HeaderFormat.read(in);
    checkPayloadLimit(header, limits);
    checkElementLimit(header, limits);
    byte[] payload;
    try {
      payload = in.readNBytes((int) header.payloadLength());
    } catch (IOException e) {
      throw new TensorCodecException("cannot read payload: " + e.getMessage(), e);
    }
    if (payload.length != header.payloadLength()) {
      throw new TensorCodecException(
          "truncated payload: "
              + payload.length
              + " of "
              + header.payloadLength()
              + " declared bytes");
    }
    return new DecodedTensor(header, decodePayload(header, payload, 0, limits));
  }

  /**
   * Parses and checks only the header (CRC included), e.g. to learn shape and kind before fetching
   * or decoding the payload.
   */
  public static TensorHeader readHeader(byte[] encoded) {
    return HeaderFormat.read(encoded, 0, encoded.length);
  }

  /** Reads only the header from {@code in}, leaving the stream at the first payload byte. */
  public static TensorHeader readHeader(InputStream in) {
    return HeaderFormat.read(in);
  }

  private static int elementsPerChannel(float[] data, long[] shape) {
    long count = Shapes.checkedElementCount(shape);
    if (count != data.length) {
      throw new TensorCodecException(
          "shape holds " + count + " elements but data has " + data.length);
    }
    long n = count / shape[0];
    // fp16 and run-length tokens take up to 2 bytes per value, and each channel is one array.
    if (2 * n > DecodeLimits.ARRAY_LIMIT) {
      throw new TensorCodecException(
          "channel of "
              + n
              + " values exceeds the codec's per-channel limit of "
              + DecodeLimits.ARRAY_LIMIT / 2);
    }
    return (int) n;
  }

  private static byte[] compress(byte[] raw, Compression compression, int level) {
    return compression == Compression.NONE ? raw : Zlib.deflate(raw, raw.length, level);
  }

  private static void write(
      TensorKind kind,
      Quantisation quantisation,
      Compression compression,
      long[] shape,
      float[] offsets,
      float[] scales,
      byte[][] blocks,
      long[] rawLengths,
      OutputStream out) {
    ByteBuffer table =
        ByteBuffer.allocate(TABLE_ENTRY_BYTES * blocks.length).order(ByteOrder.LITTLE_ENDIAN);
    CRC32 crc = new CRC32();
    long payloadLength = table.capacity();
    for (int c = 0; c < blocks.length; c++) {
      table.putLong(blocks[c].length).putLong(rawLengths[c]);
      payloadLength += blocks[c].length;
    }
    crc.update(table.array());
    for (byte[] block : blocks) {
      crc.update(block);
    }
    TensorHeader header =
        new TensorHeader(
            TensorHeader.FORMAT_VERSION,
            kind,
            quantisation,
            compression,
            shape,
            offsets,
            scales,
            payloadLength,
            (int) crc.getValue());
    try {
      out.write(HeaderFormat.write(header));
      out.write(table.array());
      for (byte[] block : blocks) {
        out.write(block);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write encoded tensor", e);
    }
  }

  private static int headerLengthOf(TensorHeader header) {
    boolean affine = header.quantisation() == Quantisation.AFFINE_8BIT_PER_CHANNEL;
    return HeaderFormat.headerLength(header.shape().length, affine ? header.channels() : 0);
  }

  private static void checkPayloadLimit(TensorHeader header, DecodeLimits limits) {
    if (header.payloadLength() > limits.maxPayloadBytes()) {
      throw new TensorCodecException(
          "declared payload of "
              + header.payloadLength()
              + " bytes exceeds the limit of "
              + limits.maxPayloadBytes());
    }
  }

  private static void checkElementLimit(TensorHeader header, DecodeLimits limits) {
    if (header.elementCount() > limits.maxElements()) {
      throw new TensorCodecException(
          "declared "
              + header.elementCount()
              + " elements exceed the limit of "
              + limits.maxElements());
    }
  }

  private static float[] decodePayload(
      TensorHeader header, byte[] buf, int off, DecodeLimits limits) {
    checkElementLimit(header, limits);
    int payloadLength = (int) header.payloadLength();
    if (HeaderFormat.crc(buf, off, payloadLength) != header.payloadCrc32()) {
      throw new TensorCodecException("corrupt payload: CRC-32 mismatch");
    }
    long channels = header.channels();
    int n = (int) header.elementsPerChannel();
    if (channels * TABLE_ENTRY_BYTES > payloadLength) {
      throw new TensorCodecException(
          "corrupt payload: " + payloadLength + " bytes cannot hold a table of " + channels);
    }
    ByteBuffer table =
        ByteBuffer.wrap(buf, off, payloadLength).slice().order(ByteOrder.LITTLE_ENDIAN);
    int[] stored = new int[(int) channels];
    int[] raw = new int[(int) channels];
    long end = channels * TABLE_ENTRY_BYTES;
    for (int c = 0; c < channels; c++) {
      long storedLength = table.getLong();
      long rawLength = table.getLong();
      checkChannelLengths(header, c, n, storedLength, rawLength);
      // Compared before adding, so hostile lengths near 2^63 cannot wrap the sum around.
      if (storedLength > payloadLength - end) {
        throw new TensorCodecException(
            "corrupt payload: channel blocks exceed the payload of " + payloadLength + " bytes");
      }
      stored[c] = (int) storedLength;
      raw[c] = (int) rawLength;
      end += storedLength;
    }
    if (end != payloadLength) {
      throw new TensorCodecException(
          "corrupt payload: channel blocks end at " + end + " of " + payloadLength + " bytes");
    }
    float[] out = new float[(int) header.elementCount()];
    int position = off + (int) (channels * TABLE_ENTRY_BYTES);
    float[] offsets = header.channelOffsets();
    float[] scales = header.channelScales();
    for (int c = 0; c < channels; c++) {
      if (header.compression() == Compression.NONE) {
        decodeChannel(header, offsets, scales, c, buf, position, raw[c], out, c * n, n);
      } else {
        byte[] bytes = Zlib.inflate(buf, position, stored[c], raw[c], c);
        decodeChannel(header, offsets, scales, c, bytes, 0, raw[c], out, c * n, n);
      }
      position += stored[c];
    }
    return out;
  }

  private static void checkChannelLengths(
      TensorHeader header, int c, int n, long storedLength, long rawLength) {
    Quantisation q = header.quantisation();
    Compression compression = header.compression();
    boolean ok;
    if (compression == Compression.RUN_LENGTH_DEFLATE) {
      // One token covers at least one value and takes at most 2 bytes per value covered.
      ok = rawLength >= 1 && rawLength <= 2L * n;
    } else {
      ok = rawLength == q.packedBytes(n);
    }
    ok &= rawLength <= DecodeLimits.ARRAY_LIMIT && storedLength >= 0;
    if (compression == Compression.NONE) {
      ok &= storedLength == rawLength;
    } else {
      ok &= Zlib.plausible(storedLength, rawLength);
    }
    if (!ok) {
      throw new TensorCodecException(
          "corrupt payload: channel "
              + c
              + " declares "
              + storedLength
              + " stored / "
              + rawLength
              + " raw bytes for "
              + n
              + " values of "
              + q
              + " with "
              + compression);
    }
  }

  /** Decodes channel {@code c} from {@code rawLength} bytes at {@code bytes[offset]}. */
  private static void decodeChannel(
      TensorHeader header,
      float[] offsets,
      float[] scales,
      int c,
      byte[] bytes,
      int offset,
      int rawLength,
      float[] out,
      int from,
      int n) {
    switch (header.quantisation()) {
      case UNIT_INTERVAL_8BIT, UNIT_INTERVAL_4BIT -> {
        int maxLevel = header.quantisation().maxLevel();
        if (header.compression() == Compression.RUN_LENGTH_DEFLATE) {
          ProbabilityChannels.runLengthDecode(bytes, offset, rawLength, maxLevel, out, from, n, c);
        } else if (maxLevel == 255) {
          ProbabilityChannels.decode8(bytes, offset, out, from, n);
        } else {
          ProbabilityChannels.decode4(bytes, offset, out, from, n);
        }
      }
      case FLOAT16 ->
          FeatureChannels.fromHalves(
              bytes,
              offset,
              header.compression() == Compression.BYTE_SHUFFLE_DEFLATE,
              out,
              from,
              n);
      case AFFINE_8BIT_PER_CHANNEL ->
          FeatureChannels.affineDecode(bytes, offset, offsets[c], scales[c], out, from, n);
    }
  }
}
