package io.distillery.segml.metrics;

import java.util.Arrays;

/**
 * The shape {@code D×H×W} (W varies fastest in the arrays) and voxel spacing in mm along the same
 * axes.
 */
public record VoxelGrid(int depth, int height, int width, double[] spacingMm) {
  /** Validates sizes and spacing. */
  public VoxelGrid {
    if (depth < 1 || height < 1 || width < 1) {
      throw new MetricInputException(
          "grid sizes must be >= 1, got " + depth + "×" + height + "×" + width);
    }
    if (spacingMm.length != 3 || Arrays.stream(spacingMm).anyMatch(s -> !(s > 0))) {
      throw new MetricInputException(
          "spacing must be 3 positive values, got " + Arrays.toString(spacingMm));
    }
    spacingMm = spacingMm.clone();
  }

  /** A grid with isotropic 1 mm spacing. */
  public static VoxelGrid unitSpacing(int depth, int height, int width) {
    return new VoxelGrid(depth, height, width, new double[] {1, 1, 1});
  }

  /** Number of voxels. */
  public int size() {
    return depth * height * width;
  }

  @Override
  public double[] spacingMm() {
    return spacingMm.clone();
  }

  void requireMatches(String what, int[] labels) {
    if (labels.length != size()) {
      throw new MetricInputException(
          what
              + " has "
              + labels.length
              + " voxels, grid "
              + depth
              + "×"
              + height
              + "×"
              + width
              + " has "
              + size());
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof VoxelGrid g
        && g.depth == depth
        && g.height == height
        && g.width == width
        && Arrays.equals(g.spacingMm, spacingMm);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * (31 * depth + height) + width) + Arrays.hashCode(spacingMm);
  }

  @Override
  public String toString() {
    return depth + "×" + height + "×" + width + " @ " + Arrays.toString(spacingMm) + " mm";
  }
}
