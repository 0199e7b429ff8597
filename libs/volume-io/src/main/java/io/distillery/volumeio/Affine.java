package io.distillery.volumeio;

import java.util.Arrays;

/**
 * An immutable 4×4 homogeneous matrix mapping voxel indices {@code (i, j, k, 1)} to world
 * coordinates in millimetres in the RAS+ convention of NIfTI's qform/sform (+x = patient's Right,
 * +y = Anterior, +z = Superior). Voxel index 0 is the centre of the first voxel. The last row is
 * always {@code 0 0 0 1}.
 */
public final class Affine {
  private final double[] m; // row-major, 16 entries

  private Affine(double[] m) {
    this.m = m;
  }

  /**
   * Builds an affine from the top 3 rows (12 values, row-major: {@code r00 r01 r02 t0 r10 ...}).
   *
   * @throws VolumeFormatException if a value is not finite or the 3×3 part is singular
   */
  public static Affine of3x4(double... rows) {
    if (rows.length != 12) {
      throw new IllegalArgumentException("need 12 values, got " + rows.length);
    }
    double[] m = new double[16];
    System.arraycopy(rows, 0, m, 0, 12);
    m[15] = 1;
    Affine a = new Affine(m);
    a.validate();
    return a;
  }

  /** The axis-aligned affine {@code diag(sx, sy, sz)} with origin {@code (ox, oy, oz)}. */
  public static Affine diagonal(double sx, double sy, double sz, double ox, double oy, double oz) {
    return of3x4(sx, 0, 0, ox, 0, sy, 0, oy, 0, 0, sz, oz);
  }

  private void validate() {
    for (int i = 0; i < 12; i++) {
      if (!Double.isFinite(m[i])) {
        throw new VolumeFormatException("affine has a non-finite entry: " + this);
      }
    }
    double det = determinant3();
    double scale = columnNorm(0) * columnNorm(1) * columnNorm(2);
    if (!(scale > 0) || Math.abs(det) <= 1e-12 * scale) {
      throw new VolumeFormatException(
          "affine is singular (zero spacing or collinear axes): " + this);
    }
  }

  /** Entry at row {@code r} (0..3), column {@code c} (0..3). */
  public double get(int r, int c) {
    return m[r * 4 + c];
  }

  /** The 12 values of the top 3 rows, row-major (a copy). */
  public double[] rows3x4() {
    return Arrays.copyOf(m, 12);
  }

  /**
   * Euclidean norm of column {@code c} (0..2): the voxel spacing along voxel axis {@code c}, in mm.
   */
  public double columnNorm(int c) {
    return Math.sqrt(m[c] * m[c] + m[4 + c] * m[4 + c] + m[8 + c] * m[8 + c]);
  }

  /** Voxel spacings {@code (|col0|, |col1|, |col2|)} in mm. */
  public double[] spacing() {
    return new double[] {columnNorm(0), columnNorm(1), columnNorm(2)};
  }

  /** Determinant of the 3×3 linear part; negative for a left-handed voxel order such as LAS. */
  public double determinant3() {
    return m[0] * (m[5] * m[10] - m[6] * m[9])
        - m[1] * (m[4] * m[10] - m[6] * m[8])
        + m[2] * (m[4] * m[9] - m[5] * m[8]);
  }

  /** {@code this · other}. */
  public Affine multiply(Affine other) {
    double[] r = new double[16];
    for (int i = 0; i < 4; i++) {
      for (int j = 0; j < 4; j++) {
        double s = 0;
        for (int k = 0; k < 4; k++) {
          s += m[i * 4 + k] * other.m[k * 4 + j];
        }
        r[i * 4 + j] = s;
      }
    }
    r[12] = 0;
    r[13] = 0;
    r[14] = 0;
    r[15] = 1;
    return new Affine(r);
  }

  /** The inverse transform (world → voxel). */
  public Affine inverse() {
    double det = determinant3();
    double[] r = new double[16];
    r[0] = (m[5] * m[10] - m[6] * m[9]) / det;
    r[1] = (m[2] * m[9] - m[1] * m[10]) / det;
    r[2] = (m[1] * m[6] - m[2] * m[5]) / det;
    r[4] = (m[6] * m[8] - m[4] * m[10]) / det;
    r[5] = (m[0] * m[10] - m[2] * m[8]) / det;
    r[6] = (m[2] * m[4] - m[0] * m[6]) / det;
    r[8] = (m[4] * m[9] - m[5] * m[8]) / det;
    r[9] = (m[1] * m[8] - m[0] * m[9]) / det;
    r[10] = (m[0] * m[5] - m[1] * m[4]) / det;
    for (int i = 0; i < 3; i++) {
      r[i * 4 + 3] = -(r[i * 4] * m[3] + r[i * 4 + 1] * m[7] + r[i * 4 + 2] * m[11]);
    }
    r[15] = 1;
    return new Affine(r);
  }

  /** Applies the transform to the point {@code (x, y, z)}. */
  public double[] apply(double x, double y, double z) {
    return new double[] {
      m[0] * x + m[1] * y + m[2] * z + m[3],
      m[4] * x + m[5] * y + m[6] * z + m[7],
      m[8] * x + m[9] * y + m[10] * z + m[11]
    };
  }

  /** Largest absolute difference between corresponding entries. */
  public double maxAbsDifference(Affine other) {
    double d = 0;
    for (int i = 0; i < 12; i++) {
      d = Math.max(d, Math.abs(m[i] - other.m[i]));
    }
    return d;
  }

  /** Numeric equality of all entries ({@code -0.0 == 0.0}; entries are never NaN). */
  @Override
  public boolean equals(Object o) {
    if (!(o instanceof Affine a)) {
      return false;
    }
    for (int i = 0; i < 16; i++) {
      if (m[i] != a.m[i]) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int hashCode() {
    double[] normalised = m.clone();
    for (int i = 0; i < 16; i++) {
      normalised[i] += 0.0; // -0.0 + 0.0 == +0.0, consistent with equals
    }
    return Arrays.hashCode(normalised);
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder("[");
    for (int r = 0; r < 3; r++) {
      b.append(r == 0 ? "[" : ", [");
      for (int c = 0; c < 4; c++) {
        b.append(c == 0 ? "" : ", ").append(m[r * 4 + c]);
      }
      b.append(']');
    }
    return b.append(']').toString();
  }
}
