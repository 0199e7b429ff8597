package io.distillery.volumeio;

/** Checks across volumes. */
public final class Volumes {
  /**
   * Default tolerance for affine entries, in mm: float32 header round-off between an image and its
   * label written by different tools stays far below it.
   */
  public static final double DEFAULT_GRID_TOLERANCE = 1e-3;

  private Volumes() {}

  /**
   * Requires {@code a} and {@code b} to have the same shape and affines equal within {@link
   * #DEFAULT_GRID_TOLERANCE} mm per entry.
   *
   * @throws GridMismatchException naming both grids otherwise
   */
  public static void sameGrid(GriddedVolume a, GriddedVolume b) {
    sameGrid(a.grid(), b.grid(), DEFAULT_GRID_TOLERANCE);
  }

  /** As {@link #sameGrid(GriddedVolume, GriddedVolume)} with an explicit tolerance in mm. */
  public static void sameGrid(Grid a, Grid b, double tolerance) {
    if (a.nx() != b.nx() || a.ny() != b.ny() || a.nz() != b.nz()) {
      throw new GridMismatchException(
          "shapes differ: "
              + a.nx()
              + "x"
              + a.ny()
              + "x"
              + a.nz()
              + " vs "
              + b.nx()
              + "x"
              + b.ny()
              + "x"
              + b.nz());
    }
    double d = a.affine().maxAbsDifference(b.affine());
    if (!(d <= tolerance)) {
      throw new GridMismatchException(
          "affines differ by "
              + d
              + " mm (tolerance "
              + tolerance
              + "): "
              + a.affine()
              + " vs "
              + b.affine());
    }
  }
}
