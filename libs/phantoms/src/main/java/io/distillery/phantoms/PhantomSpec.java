package io.distillery.phantoms;

/**
 * What to generate: the grid (voxel counts and spacing in mm; the grid is centred on the body and
 * voxel-ordered RAS), the noise, the spine, the smooth deformation and the {@link LabelMap}.
 *
 * @param nx voxels along x (patient's left → right)
 * @param ny voxels along y (posterior → anterior)
 * @param nz voxels along z (inferior → superior)
 * @param spacingMm voxel size along x, y, z in mm
 * @param noiseSigmaHu standard deviation of the white Gaussian noise added everywhere, HU
 * @param withSpine whether to draw a vertebral column (~400 HU, never labelled)
 * @param deformationMm amplitude of the smooth per-organ deformation field, mm
 * @param labelMap label value per organ
 */
public record PhantomSpec(
    int nx,
    int ny,
    int nz,
    double[] spacingMm,
    double noiseSigmaHu,
    boolean withSpine,
    double deformationMm,
    LabelMap labelMap) {

  /** Validates the values. */
  public PhantomSpec {
    if (nx < 1 || ny < 1 || nz < 1) {
      throw new IllegalArgumentException(
          "grid sizes must be positive: " + nx + "x" + ny + "x" + nz);
    }
    if (spacingMm == null || spacingMm.length != 3) {
      throw new IllegalArgumentException("spacingMm needs 3 values");
    }
    spacingMm = spacingMm.clone();
    for (double s : spacingMm) {
      if (!(s > 0) || Double.isInfinite(s)) {
        throw new IllegalArgumentException("spacing must be positive and finite, got " + s);
      }
    }
    if (!(noiseSigmaHu >= 0) || !(deformationMm >= 0)) {
      throw new IllegalArgumentException("noise and deformation must be >= 0");
    }
    if (labelMap == null) {
      throw new IllegalArgumentException("labelMap is required");
    }
  }

  /**
   * 96×96×64 voxels of 4 mm (a 384×384×256 mm field of view), noise σ 10 HU, spine, 4 mm
   * deformation, {@link LabelMap#standard()}.
   */
  public static PhantomSpec defaults() {
    return new PhantomSpec(96, 96, 64, new double[] {4, 4, 4}, 10, true, 4, LabelMap.standard());
  }

  @Override
  public double[] spacingMm() {
    return spacingMm.clone();
  }

  /** This spec with another grid. */
  public PhantomSpec withGrid(int nx, int ny, int nz, double sx, double sy, double sz) {
    return new PhantomSpec(
        nx, ny, nz, new double[] {sx, sy, sz}, noiseSigmaHu, withSpine, deformationMm, labelMap);
  }

  /** This spec with another label map. */
  public PhantomSpec withLabelMap(LabelMap map) {
    return new PhantomSpec(nx, ny, nz, spacingMm, noiseSigmaHu, withSpine, deformationMm, map);
  }

  /** This spec with another noise level. */
  public PhantomSpec withNoise(double sigmaHu) {
    return new PhantomSpec(nx, ny, nz, spacingMm, sigmaHu, withSpine, deformationMm, labelMap);
  }

  /** This spec with or without the spine. */
  public PhantomSpec withSpine(boolean spine) {
    return new PhantomSpec(nx, ny, nz, spacingMm, noiseSigmaHu, spine, deformationMm, labelMap);
  }

  /** This spec with another deformation amplitude. */
  public PhantomSpec withDeformation(double mm) {
    return new PhantomSpec(nx, ny, nz, spacingMm, noiseSigmaHu, withSpine, mm, labelMap);
  }
}
