package io.distillery.volumeio.nifti;

import io.distillery.volumeio.Affine;

/**
 * Conversions between the NIfTI qform (unit quaternion {@code b, c, d}, offsets, {@code pixdim} and
 * qfac) and an affine, following {@code nifti_quatern_to_mat44} and {@code nifti_mat44_to_quatern}
 * of the NIfTI reference library (nifti1_io.c).
 */
final class Quaternions {
  private Quaternions() {}

  /**
   * A qform: quaternion {@code (b, c, d)}, qfac ±1, and whether the affine was a pure
   * rotation+scale.
   */
  record QForm(double[] bcd, double qfac, boolean representable) {}

  /** The 3×4 rows of the qform affine. */
  static double[] qformToRows(double[] bcd, double[] offset, double[] pixdim) {
    double b = bcd[0];
    double c = bcd[1];
    double d = bcd[2];
    double a = 1.0 - (b * b + c * c + d * d);
    if (a < 1e-7) {
      // Not a unit quaternion: the reference library renormalises (b, c, d) and takes a = 0.
      a = 1.0 / Math.sqrt(b * b + c * c + d * d);
      b *= a;
      c *= a;
      d *= a;
      a = 0.0;
    } else {
      a = Math.sqrt(a);
    }
    double xd = pixdim[1] > 0 ? pixdim[1] : 1.0;
    double yd = pixdim[2] > 0 ? pixdim[2] : 1.0;
    double zd = pixdim[3] > 0 ? pixdim[3] : 1.0;
    if (pixdim[0] < 0) {
      zd = -zd;
    }
    return new double[] {
      (a * a + b * b - c * c - d * d) * xd,
      2.0 * (b * c - a * d) * yd,
      2.0 * (b * d + a * c) * zd,
      offset[0],
      2.0 * (b * c + a * d) * xd,
      (a * a + c * c - b * b - d * d) * yd,
      2.0 * (c * d - a * b) * zd,
      offset[1],
      2.0 * (b * d - a * c) * xd,
      2.0 * (c * d + a * b) * yd,
      (a * a + d * d - c * c - b * b) * zd,
      offset[2]
    };
  }

  /** The qform closest to {@code affine}; {@code representable} is false when it has shear. */
  static QForm fromAffine(Affine affine) {
    double[] sp = affine.spacing();
    double[][] r = new double[3][3];
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 3; j++) {
        r[i][j] = affine.get(i, j) / sp[j];
      }
    }
    double qfac = 1.0;
    double det =
        r[0][0] * (r[1][1] * r[2][2] - r[1][2] * r[2][1])
            - r[0][1] * (r[1][0] * r[2][2] - r[1][2] * r[2][0])
            + r[0][2] * (r[1][0] * r[2][1] - r[1][1] * r[2][0]);
    if (det < 0) {
      qfac = -1.0;
      r[0][2] = -r[0][2];
      r[1][2] = -r[1][2];
      r[2][2] = -r[2][2];
    }
    boolean orthonormal = true;
    for (int i = 0; i < 3; i++) {
      for (int j = i + 1; j < 3; j++) {
        double dot = r[0][i] * r[0][j] + r[1][i] * r[1][j] + r[2][i] * r[2][j];
        orthonormal &= Math.abs(dot) < 1e-4;
      }
    }
    double a = r[0][0] + r[1][1] + r[2][2] + 1.0;
    double b;
    double c;
    double d;
    if (a > 0.5) {
      a = 0.5 * Math.sqrt(a);
      b = 0.25 * (r[2][1] - r[1][2]) / a;
      c = 0.25 * (r[0][2] - r[2][0]) / a;
      d = 0.25 * (r[1][0] - r[0][1]) / a;
    } else {
      double xd = 1.0 + r[0][0] - (r[1][1] + r[2][2]);
      double yd = 1.0 + r[1][1] - (r[0][0] + r[2][2]);
      double zd = 1.0 + r[2][2] - (r[0][0] + r[1][1]);
      if (xd > 1.0) {
        b = 0.5 * Math.sqrt(xd);
        c = 0.25 * (r[0][1] + r[1][0]) / b;
        d = 0.25 * (r[0][2] + r[2][0]) / b;
        a = 0.25 * (r[2][1] - r[1][2]) / b;
      } else if (yd > 1.0) {
        c = 0.5 * Math.sqrt(yd);
        b = 0.25 * (r[0][1] + r[1][0]) / c;
        d = 0.25 * (r[1][2] + r[2][1]) / c;
        a = 0.25 * (r[0][2] - r[2][0]) / c;
      } else {
        d = 0.5 * Math.sqrt(zd);
        b = 0.25 * (r[0][2] + r[2][0]) / d;
        c = 0.25 * (r[1][2] + r[2][1]) / d;
        a = 0.25 * (r[1][0] - r[0][1]) / d;
      }
      if (a < 0.0) {
        b = -b;
        c = -c;
        d = -d;
      }
    }
    return new QForm(new double[] {b, c, d}, qfac, orthonormal);
  }
}
