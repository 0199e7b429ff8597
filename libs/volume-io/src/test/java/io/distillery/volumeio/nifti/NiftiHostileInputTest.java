package io.distillery.volumeio.nifti;

import static io.distillery.volumeio.nifti.NiftiTestFiles.file1;
import static io.distillery.volumeio.nifti.NiftiTestFiles.gzip;
import static io.distillery.volumeio.nifti.NiftiTestFiles.le;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.distillery.volumeio.Affine;
import io.distillery.volumeio.Grid;
import io.distillery.volumeio.VolumeFormatException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every kind of bad input ends in a {@link VolumeFormatException} that says what is wrong. */
class NiftiHostileInputTest {
  @TempDir Path dir;

  private final NiftiReader reader = NiftiReader.withDefaults();

  private void rejects(byte[] bytes, String messagePart) {
    assertThatThrownBy(() -> reader.readVolume(bytes))
        .isInstanceOf(VolumeFormatException.class)
        .hasMessageContaining(messagePart);
  }

  @Test
  void truncatedHeaderAndDataAreReported() {
    byte[] ok = file1(4, 4, 4);
    rejects(Arrays.copyOf(ok, 2), "truncated");
    rejects(Arrays.copyOf(ok, 200), "truncated");
    rejects(Arrays.copyOf(ok, ok.length - 1), "truncated");
    byte[] gz = gzip(ok);
    rejects(Arrays.copyOf(gz, gz.length / 2), "truncated");
    rejects(Arrays.copyOf(gz, 5), "gzip");
  }

  @Test
  void truncatedFileOnDiskIsReportedBeforeReading() throws IOException {
    byte[] ok = file1(4, 4, 4);
    Path p = dir.resolve("short.nii");
    Files.write(p, Arrays.copyOf(ok, ok.length - 10));
    assertThatThrownBy(() -> reader.readVolume(p))
        .isInstanceOf(VolumeFormatException.class)
        .hasMessageContaining("short.nii")
        .hasMessageContaining("file has " + (ok.length - 10) + " bytes");
  }

  @Test
  void wrongMagicAndSizeAreRejected() {
    byte[] b = file1(2, 2, 2);
    b[345] = 'x';
    rejects(b, "wrong NIfTI-1 magic");
    byte[] pair = file1(2, 2, 2);
    pair[345] = 'i';
    rejects(pair, "separate .hdr/.img");
    byte[] size = file1(2, 2, 2);
    le(size).putInt(0, 1234);
    rejects(size, "sizeof_hdr is 1234");
    rejects(
        "plain text, not an image".getBytes(java.nio.charset.StandardCharsets.US_ASCII),
        "not a NIfTI");
  }

  @Test
  void zeroNegativeAndOutOfRangeDimensionsAreRejected() {
    byte[] zero = file1(2, 2, 2);
    le(zero).putShort(44, (short) 0);
    rejects(zero, "dim[2] = 0");
    byte[] negative = file1(2, 2, 2);
    le(negative).putShort(46, (short) -5);
    rejects(negative, "dim[3] = -5");
    byte[] rank = file1(2, 2, 2);
    le(rank).putShort(40, (short) 9);
    rejects(rank, "dim[0] = 9");
    byte[] series = file1(2, 2, 2);
    le(series).putShort(40, (short) 4).putShort(48, (short) 3);
    rejects(series, "3 volumes");
  }

  @Test
  void hugeDimensionsAreRejectedWithoutAllocating() {
    byte[] huge = file1(2, 2, 2);
    le(huge).putShort(42, (short) 30000).putShort(44, (short) 30000).putShort(46, (short) 30000);
    rejects(huge, "over the limit");
    // Within the 4 GiB limit but beyond this JVM's heap once decoded to float.
    long voxels = Runtime.getRuntime().maxMemory() / 4 + 1;
    long ny = (voxels + 31999) / 32000;
    org.junit.jupiter.api.Assumptions.assumeTrue(
        ny <= Short.MAX_VALUE, "heap too large for this case");
    byte[] big = file1(2, 2, 2);
    le(big).putShort(42, (short) 32000).putShort(44, (short) ny).putShort(46, (short) 1);
    le(big).putShort(70, (short) 2).putShort(72, (short) 8); // uint8 on disk
    rejects(gzip(big), "heap");
  }

  @Test
  void dimsTimesBitpixOverflowIsRejected() {
    byte[] n2 = NiftiTestFiles.file(2, ByteOrder.LITTLE_ENDIAN, NiftiDataType.FLOAT64, 2, 2, 2);
    ByteBuffer h = le(n2);
    h.putLong(24, 1L << 21).putLong(32, 1L << 20).putLong(40, 1L << 20); // 2^61 voxels x 8 bytes
    rejects(n2, "dims x bitpix overflow");
    h.putLong(24, 1L << 22).putLong(32, 1L << 21).putLong(40, 1L << 21); // 2^64 voxels
    rejects(n2, "overflow");
    h.putLong(24, 1L << 40);
    rejects(n2, "too large");
  }

  @Test
  void voxOffsetPastTheEndOrInsideTheHeaderIsRejected() throws IOException {
    byte[] b = file1(2, 2, 2);
    le(b).putFloat(108, 1_000_000f);
    rejects(b, "truncated");
    Path p = dir.resolve("offset.nii");
    Files.write(p, b);
    assertThatThrownBy(() -> reader.readVolume(p))
        .isInstanceOf(VolumeFormatException.class)
        .hasMessageContaining("vox_offset past the end");
    rejects(gzip(b), "truncated");
    le(b).putFloat(108, 100f);
    rejects(b, "inside the 348-byte header");
    byte[] n2 = NiftiTestFiles.file(2, ByteOrder.LITTLE_ENDIAN, NiftiDataType.INT16, 2, 2, 2);
    le(n2).putLong(168, Long.MAX_VALUE - 8);
    rejects(gzip(n2), "overflows");
    le(b).putFloat(108, Float.NaN);
    rejects(b, "invalid vox_offset");
  }

  @Test
  void nanZeroAndNegativeSpacingAreRejected() {
    byte[] nan = file1(2, 2, 2);
    le(nan).putFloat(80, Float.NaN);
    rejects(nan, "pixdim[1] = NaN");
    byte[] zero = file1(2, 2, 2);
    le(zero).putFloat(84, 0f);
    rejects(zero, "pixdim[2] = 0.0");
    byte[] negative = file1(2, 2, 2);
    le(negative).putFloat(88, -2f);
    rejects(negative, "pixdim[3] = -2.0");
    byte[] singular = file1(2, 2, 2);
    for (int i = 0; i < 12; i++) {
      le(singular).putFloat(280 + 4 * i, 0f);
    }
    rejects(singular, "singular");
    byte[] nanSform = file1(2, 2, 2);
    le(nanSform).putFloat(280, Float.NaN);
    rejects(nanSform, "non-finite");
  }

  @Test
  void unsupportedDatatypesAndBitpixMismatchAreRejected() {
    for (int code : new int[] {1, 32, 128, 1024, 1280, 1536, 2304, 0, -1}) {
      byte[] b = file1(2, 2, 2);
      le(b).putShort(70, (short) code);
      rejects(b, "unsupported NIfTI datatype code " + code);
    }
    byte[] bitpix = file1(2, 2, 2);
    le(bitpix).putShort(72, (short) 8);
    rejects(bitpix, "bitpix 8 does not match datatype int16");
  }

  @Test
  void decompressionBombIsStoppedByTheLimit() throws IOException {
    // Header declares 512^3 uint8 (128 MiB); the stream really holds that many zeros (~130 KB
    // gzip).
    Grid g = new Grid(512, 512, 512, Affine.diagonal(1, 1, 1, 0, 0, 0));
    NiftiHeader h =
        NiftiHeader.forGrid(1, ByteOrder.LITTLE_ENDIAN, g, NiftiDataType.UINT8, 1.0, 0.0, 0);
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(bos)) {
      gz.write(NiftiHeaderCodec.encode(h));
      byte[] zeros = new byte[1 << 20];
      for (int i = 0; i < 128; i++) {
        gz.write(zeros);
      }
    }
    byte[] bomb = bos.toByteArray();
    NiftiReader limited =
        new NiftiReader(NiftiReadOptions.defaults().withMaxDecompressedBytes(16 << 20));

    assertThat(bomb.length).isLessThan(1 << 20);
    assertThatThrownBy(() -> limited.readVolume(bomb))
        .isInstanceOf(VolumeFormatException.class)
        .hasMessageContaining("over the limit of " + (16 << 20));
    // An extension area inflated to gigabytes is caught the same way, through vox_offset.
    byte[] ext = file1(2, 2, 2);
    le(ext).putFloat(108, 1e9f);
    assertThatThrownBy(() -> limited.readVolume(gzip(ext)))
        .isInstanceOf(VolumeFormatException.class)
        .hasMessageContaining("over the limit");
  }

  @Test
  void hugeTrailingDataAfterTheVoxelsIsNotDecompressed() throws IOException {
    byte[] ok = file1(4, 4, 4);
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(bos)) {
      gz.write(ok);
      byte[] zeros = new byte[1 << 20];
      for (int i = 0; i < 256; i++) {
        gz.write(zeros);
      }
    }
    assertThat(reader.readVolume(bos.toByteArray()).data()).hasSize(64);
  }

  @Test
  void corruptGzipIsRejected() {
    byte[] gz = gzip(file1(8, 8, 8));
    byte[] crc = gz.clone();
    crc[crc.length - 6] ^= 0x55; // CRC-32 trailer
    rejects(crc, "gzip");
    byte[] header = gz.clone();
    header[2] = 7; // compression method other than deflate
    rejects(header, "gzip");
  }

  @Test
  void nonIntegerAndOutOfRangeLabelsAreRejected() {
    byte[] f = NiftiTestFiles.file(1, ByteOrder.LITTLE_ENDIAN, NiftiDataType.FLOAT32, 2, 2, 2);
    le(f).putFloat(352 + 4, 1.5f);
    assertThatThrownBy(() -> reader.readLabels(f, Map.of()))
        .isInstanceOf(VolumeFormatException.class)
        .hasMessageContaining("label value 1.5 at voxel 1");
    byte[] neg = file1(2, 2, 2);
    le(neg).putShort(352 + 2, (short) -3);
    assertThatThrownBy(() -> reader.readLabels(neg, Map.of()))
        .isInstanceOf(VolumeFormatException.class)
        .hasMessageContaining("label value -3.0");
  }
}
