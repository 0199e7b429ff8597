package io.distillery.volumeio.nifti;

import io.distillery.volumeio.Affine;

/**
 * Conversion of an affine's rotation to the NIfTI qform quaternion (nifti1_io's mat44_to_quatern).
 */
final class Quaternion {
  private static final double ORTHOGONALITY_TOLERANCE = 1e-4;

  private Quaternion() {}

  /**
   * The qform parameters {b, c, d, qfac} of an affine, or null when its 3×3 part, after dividing
   * each column by its norm, is not orthonormal (shear), which a quaternion cannot express.
   */
  static double[] fromAffine(Affine a) {
    double[][] r = new double[3][3];
    for (int c = 0; c < 3; c++) {
      double n = a.columnNorm(c);
      for (int row = 0; row < 3; row++) {
        r[row][c] = a.get(row, c) / n;
      }
    }
    for (int i = 0; i < 3; i++) {
      for (int j = i + 1; j < 3; j++) {
        double dot = r[0][i] * r[0][j] + r[1][i] * r[1][j] + r[2][i] * r[2][j];
        if (Math.abs(dot) > ORTHOGONALITY_TOLERANCE) {
          return null;
        }
      }
    }
    double det =
        r[0][0] * (r[1][1] * r[2][2] - r[1][2] * r[2][1])
            - r[0][1] * (r[1][0] * r[2][2] - r[1][2] * r[2][0])
            + r[0][2] * (r[1][0] * r[2][1] - r[1][1] * r[2][0]);
    double qfac = 1.0;
    if (det < 0) {
      // A left-handed voxel frame: NIfTI stores it as a rotation with the third column negated.
      qfac = -1.0;
      for (int row = 0; row < 3; row++) {
        r[row][2] = -r[row][2];
      }
    }
    double r11 = r[0][0], r12 = r[0][1], r13 = r[0][2];
    double r21 = r[1][0], r22 = r[1][1], r23 = r[1][2];
    double r31 = r[2][0], r32 = r[2][1], r33 = r[2][2];
    double qa = r11 + r22 + r33 + 1.0;
    double qb, qc, qd;
    if (qa > 0.5) {
      qa = 0.5 * Math.sqrt(qa);
      qb = 0.25 * (r32 - r23) / qa;
      qc = 0.25 * (r13 - r31) / qa;
      qd = 0.25 * (r21 - r12) / qa;
    } else {
      double xd = 1.0 + r11 - (r22 + r33);
      double yd = 1.0 + r22 - (r11 + r33);
      double zd = 1.0 + r33 - (r11 + r22);
      if (xd > 1.0) {
        qb = 0.5 * Math.sqrt(xd);
        qc = 0.25 * (r12 + r21) / qb;
        qd = 0.25 * (r13 + r31) / qb;
        qa = 0.25 * (r32 - r23) / qb;
      } else if (yd > 1.0) {
        qc = 0.5 * Math.sqrt(yd);
        qb = 0.25 * (r12 + r21) / qc;
        qd = 0.25 * (r23 + r32) / qc;
        qa = 0.25 * (r13 - r31) / qc;
      } else {
        qd = 0.5 * Math.sqrt(zd);
        qb = 0.25 * (r13 + r31) / qd;
        qc = 0.25 * (r23 + r32) / qd;
        qa = 0.25 * (r21 - r12) / qd;
      }
      if (qa < 0.0) {
        qb = -qb;
        qc = -qc;
        qd = -qd;
      }
    }
    return new double[] {qb, qc, qd, qfac};
  }
}
