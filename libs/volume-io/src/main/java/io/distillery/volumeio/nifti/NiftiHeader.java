package io.distillery.volumeio.nifti;

import io.distillery.volumeio.Affine;
import io.distillery.volumeio.Grid;
import io.distillery.volumeio.VolumeFormatException;
import java.nio.ByteOrder;

/**
 * The fields of a NIfTI-1 or NIfTI-2 header that this library uses, already validated by {@link
 * NiftiHeaderCodec#decode}. Dimensions beyond the third are always 1 (single-volume files only).
 *
 * @param version 1 or 2
 * @param byteOrder byte order of the header and voxel data
 * @param nx voxels along i
 * @param ny voxels along j
 * @param nz voxels along k
 * @param dataType voxel datatype
 * @param pixdim {@code pixdim[0..7]}; {@code pixdim[0]} is qfac (±1)
 * @param voxOffset byte offset of the voxel data in the (decompressed) file
 * @param sclSlope {@code scl_slope}; 0 or non-finite means "no scaling"
 * @param sclInter {@code scl_inter}
 * @param xyztUnits {@code xyzt_units}
 * @param intentCode {@code intent_code} (1002 = NIFTI_INTENT_LABEL)
 * @param qformCode {@code qform_code}
 * @param sformCode {@code sform_code}
 * @param quatern {@code quatern_b, quatern_c, quatern_d}
 * @param qoffset {@code qoffset_x, qoffset_y, qoffset_z}
 * @param srow {@code srow_x, srow_y, srow_z} (12 values, row-major)
 * @param descrip free text; may hold patient data
 * @param auxFile free text; may hold patient data
 * @param intentName free text
 */
public record NiftiHeader(
    int version,
    ByteOrder byteOrder,
    int nx,
    int ny,
    int nz,
    NiftiDataType dataType,
    double[] pixdim,
    long voxOffset,
    double sclSlope,
    double sclInter,
    int xyztUnits,
    int intentCode,
    int qformCode,
    int sformCode,
    double[] quatern,
    double[] qoffset,
    double[] srow,
    String descrip,
    String auxFile,
    String intentName) {

  /** NIFTI_INTENT_LABEL: voxel values are indices into a label set. */
  public static final int INTENT_LABEL = 1002;

  /** NIFTI_UNITS_MM in {@code xyzt_units}. */
  public static final int UNITS_MM = 2;

  /** NIFTI_XFORM_SCANNER_ANAT. */
  public static final int XFORM_SCANNER_ANAT = 1;

  /** Size in bytes of the fixed header (348 for NIfTI-1, 540 for NIfTI-2). */
  public int headerSize() {
    return version == 1 ? NiftiHeaderCodec.NIFTI1_SIZE : NiftiHeaderCodec.NIFTI2_SIZE;
  }

  /** Number of voxels. */
  public long voxelCount() {
    return (long) nx * ny * nz;
  }

  /** Bytes of voxel data. */
  public long dataBytes() {
    return voxelCount() * dataType.bytes();
  }

  /**
   * Whether {@code scl_slope}/{@code scl_inter} change values (slope neither 0, 1 nor non-finite,
   * or inter ≠ 0).
   */
  public boolean hasScaling() {
    return effectiveSlope() != 1.0 || effectiveInter() != 0.0;
  }

  /** {@code scl_slope}, with 0 and non-finite values read as 1 as the standard says. */
  public double effectiveSlope() {
    return sclSlope == 0 || !Double.isFinite(sclSlope) ? 1.0 : sclSlope;
  }

  /** {@code scl_inter}, 0 when scaling is off or the value is not finite. */
  public double effectiveInter() {
    return sclSlope == 0 || !Double.isFinite(sclSlope) || !Double.isFinite(sclInter)
        ? 0.0
        : sclInter;
  }

  /** Millimetres per header spatial unit from {@code xyzt_units} (unknown counts as mm). */
  public double unitToMm() {
    return switch (xyztUnits & 0x07) {
      case 1 -> 1000.0; // NIFTI_UNITS_METER
      case 3 -> 0.001; // NIFTI_UNITS_MICRON
      default -> 1.0;
    };
  }

  /**
   * The voxel→RAS+ mm affine, resolved as the NIfTI standard says: the sform when {@code sform_code
   * > 0}, else the qform when {@code qform_code > 0}, else the fallback {@code diag(pixdim[1..3])}
   * ("method 1"). Spatial units other than mm are converted.
   *
   * @throws VolumeFormatException if the chosen transform is non-finite or singular
   */
  public Affine affine() {
    double u = unitToMm();
    double[] r;
    if (sformCode > 0) {
      r = srow.clone();
    } else if (qformCode > 0) {
      r = Quaternions.qformToRows(quatern, qoffset, pixdim);
    } else {
      r = new double[] {pixdim[1], 0, 0, 0, 0, pixdim[2], 0, 0, 0, 0, pixdim[3], 0};
    }
    if (u != 1.0) {
      for (int i = 0; i < 12; i++) {
        r[i] *= u;
      }
    }
    return Affine.of3x4(r);
  }

  /** Shape and affine. */
  public Grid grid() {
    return new Grid(nx, ny, nz, affine());
  }

  /**
   * Which transform {@link #affine()} uses: {@code "sform"}, {@code "qform"} or {@code "pixdim"}.
   */
  public String affineSource() {
    return sformCode > 0 ? "sform" : qformCode > 0 ? "qform" : "pixdim";
  }

  /**
   * A header for writing {@code grid} with {@code dataType}: qform and sform both set (code
   * scanner-anatomical) from the affine, {@code pixdim} the spacings with qfac, {@code xyzt_units}
   * mm, no free text. The qform is left unset ({@code qform_code} 0) when the affine has shear,
   * which a quaternion cannot represent.
   */
  public static NiftiHeader forGrid(
      int version,
      ByteOrder order,
      Grid grid,
      NiftiDataType dataType,
      double sclSlope,
      double sclInter,
      int intentCode) {
    Affine a = grid.affine();
    Quaternions.QForm q = Quaternions.fromAffine(a);
    double[] pixdim = {q.qfac(), 0, 0, 0, 0, 0, 0, 0};
    double[] sp = a.spacing();
    pixdim[1] = sp[0];
    pixdim[2] = sp[1];
    pixdim[3] = sp[2];
    int headerSize = version == 1 ? NiftiHeaderCodec.NIFTI1_SIZE : NiftiHeaderCodec.NIFTI2_SIZE;
    return new NiftiHeader(
        version,
        order,
        grid.nx(),
        grid.ny(),
        grid.nz(),
        dataType,
        pixdim,
        headerSize + 4L,
        sclSlope,
        sclInter,
        UNITS_MM,
        intentCode,
        q.representable() ? XFORM_SCANNER_ANAT : 0,
        XFORM_SCANNER_ANAT,
        q.bcd(),
        new double[] {a.get(0, 3), a.get(1, 3), a.get(2, 3)},
        a.rows3x4(),
        "",
        "",
        "");
  }

  /** A copy with free-text fields replaced. */
  public NiftiHeader withFreeText(String newDescrip, String newAuxFile, String newIntentName) {
    return new NiftiHeader(
        version,
        byteOrder,
        nx,
        ny,
        nz,
        dataType,
        pixdim,
        voxOffset,
        sclSlope,
        sclInter,
        xyztUnits,
        intentCode,
        qformCode,
        sformCode,
        quatern,
        qoffset,
        srow,
        newDescrip,
        newAuxFile,
        newIntentName);
  }

  /** A copy with another byte order and version (the voxel offset follows the header size). */
  public NiftiHeader withLayout(int newVersion, ByteOrder newOrder) {
    long off = (newVersion == 1 ? NiftiHeaderCodec.NIFTI1_SIZE : NiftiHeaderCodec.NIFTI2_SIZE) + 4L;
    return new NiftiHeader(
        newVersion,
        newOrder,
        nx,
        ny,
        nz,
        dataType,
        pixdim,
        off,
        sclSlope,
        sclInter,
        xyztUnits,
        intentCode,
        qformCode,
        sformCode,
        quatern,
        qoffset,
        srow,
        descrip,
        auxFile,
        intentName);
  }
}
