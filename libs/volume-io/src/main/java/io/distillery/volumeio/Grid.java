package io.distillery.volumeio;

/**
 * The spatial frame of a volume: its shape {@code (nx, ny, nz)} and the affine from voxel index to
 * RAS+ millimetres. Voxels are stored x-fastest (NIfTI order): {@code index = x + nx * (y + ny *
 * z)}.
 */
public record Grid(int nx, int ny, int nz, Affine affine) {

  /** Largest voxel count a grid may have: the length limit of a Java array. */
  public static final long MAX_VOXELS = Integer.MAX_VALUE - 8L;

  public Grid {
    if (nx < 1 || ny < 1 || nz < 1) {
      throw new VolumeFormatException(
          "grid dimensions must be >= 1, got " + nx + "x" + ny + "x" + nz);
    }
    if ((long) nx * ny * nz > MAX_VOXELS) {
      throw new VolumeFormatException(
          "grid " + nx + "x" + ny + "x" + nz + " has more than " + MAX_VOXELS + " voxels");
    }
    if (affine == null) {
      throw new IllegalArgumentException("affine is null");
    }
  }

  /** Number of voxels. */
  public int size() {
    return nx * ny * nz;
  }

  /** Shape {@code {nx, ny, nz}}. */
  public int[] shape() {
    return new int[] {nx, ny, nz};
  }

  /** Dimension along axis 0, 1 or 2. */
  public int dim(int axis) {
    return switch (axis) {
      case 0 -> nx;
      case 1 -> ny;
      case 2 -> nz;
      default -> throw new IllegalArgumentException("axis " + axis);
    };
  }

  /** Voxel spacing in mm along each voxel axis (column norms of the affine). */
  public double[] spacing() {
    return affine.spacing();
  }

  /** Linear index of voxel {@code (x, y, z)}. */
  public int index(int x, int y, int z) {
    return x + nx * (y + ny * z);
  }

  /** Same shape and affine entries within {@code tolerance} (mm). */
  public boolean matches(Grid other, double tolerance) {
    return nx == other.nx
        && ny == other.ny
        && nz == other.nz
        && affine.maxAbsDifference(other.affine) <= tolerance;
  }

  @Override
  public String toString() {
    return nx + "x" + ny + "x" + nz + " " + affine;
  }
}
