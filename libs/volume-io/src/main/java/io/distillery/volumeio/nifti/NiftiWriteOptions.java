package io.distillery.volumeio.nifti;

import java.nio.ByteOrder;
import java.util.zip.Deflater;

/**
 * Choices of {@link NiftiWriter}.
 *
 * @param version 1 (default) or 2; NIfTI-2 is chosen automatically when a dimension exceeds 32767
 * @param byteOrder voxel and header byte order (default little-endian)
 * @param dataType on-disk type; null = float32 for intensity volumes, uint8 or uint16 for labels
 * @param sclSlope stored {@code scl_slope}; values are written as {@code (v − inter) / slope}
 * @param sclInter stored {@code scl_inter}
 * @param gzip null = decided by the file name ({@code .gz}), else forced
 * @param compressionLevel deflate level 0..9 (default 6, as gzip)
 * @param writeFreeText whether the metadata's free-text fields go into {@code descrip}, {@code
 *     aux_file}, {@code intent_name}; default false (patient-data hygiene)
 */
public record NiftiWriteOptions(
    int version,
    ByteOrder byteOrder,
    NiftiDataType dataType,
    double sclSlope,
    double sclInter,
    Boolean gzip,
    int compressionLevel,
    boolean writeFreeText) {

  public NiftiWriteOptions {
    if (version != 1 && version != 2) {
      throw new IllegalArgumentException("version must be 1 or 2, got " + version);
    }
    if (!(sclSlope != 0 && Double.isFinite(sclSlope) && Double.isFinite(sclInter))) {
      throw new IllegalArgumentException("scl_slope must be finite and non-zero, scl_inter finite");
    }
    if (compressionLevel < Deflater.NO_COMPRESSION
        || compressionLevel > Deflater.BEST_COMPRESSION) {
      throw new IllegalArgumentException("compression level 0..9, got " + compressionLevel);
    }
    if (byteOrder == null) {
      throw new IllegalArgumentException("byteOrder is null");
    }
  }

  /**
   * NIfTI-1, little-endian, automatic datatype, no scaling, gzip by name, level 6, no free text.
   */
  public static NiftiWriteOptions defaults() {
    return new NiftiWriteOptions(1, ByteOrder.LITTLE_ENDIAN, null, 1.0, 0.0, null, 6, false);
  }

  public NiftiWriteOptions withVersion(int v) {
    return new NiftiWriteOptions(
        v, byteOrder, dataType, sclSlope, sclInter, gzip, compressionLevel, writeFreeText);
  }

  public NiftiWriteOptions withByteOrder(ByteOrder o) {
    return new NiftiWriteOptions(
        version, o, dataType, sclSlope, sclInter, gzip, compressionLevel, writeFreeText);
  }

  public NiftiWriteOptions withDataType(NiftiDataType t) {
    return new NiftiWriteOptions(
        version, byteOrder, t, sclSlope, sclInter, gzip, compressionLevel, writeFreeText);
  }

  public NiftiWriteOptions withScaling(double slope, double inter) {
    return new NiftiWriteOptions(
        version, byteOrder, dataType, slope, inter, gzip, compressionLevel, writeFreeText);
  }

  public NiftiWriteOptions withGzip(Boolean g) {
    return new NiftiWriteOptions(
        version, byteOrder, dataType, sclSlope, sclInter, g, compressionLevel, writeFreeText);
  }

  public NiftiWriteOptions withCompressionLevel(int level) {
    return new NiftiWriteOptions(
        version, byteOrder, dataType, sclSlope, sclInter, gzip, level, writeFreeText);
  }

  public NiftiWriteOptions withWriteFreeText(boolean w) {
    return new NiftiWriteOptions(
        version, byteOrder, dataType, sclSlope, sclInter, gzip, compressionLevel, w);
  }
}
