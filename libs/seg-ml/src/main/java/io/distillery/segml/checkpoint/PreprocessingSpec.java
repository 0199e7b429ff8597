package io.distillery.segml.checkpoint;

import java.util.Arrays;

/**
 * The preprocessing a model was trained with, which inference must repeat.
 *
 * @param orientation axis codes of the voxel order the network sees, e.g. {@code "RAS"}
 * @param targetSpacingMm voxel spacing (D, H, W order, mm) volumes are resampled to
 * @param intensity intensity normalisation
 * @param roiSize sliding-window size (D, H, W) in voxels
 * @param inferenceMode {@code "sliding-window"} or {@code "coarse-to-fine"}
 * @param overlap sliding-window overlap fraction in [0, 1)
 */
public record PreprocessingSpec(
    String orientation,
    double[] targetSpacingMm,
    IntensityNormalization intensity,
    int[] roiSize,
    String inferenceMode,
    double overlap) {

  /** Validates sizes and ranges. */
  public PreprocessingSpec {
    if (orientation == null || orientation.length() != 3) {
      throw new IllegalArgumentException("orientation must be three axis codes: " + orientation);
    }
    if (targetSpacingMm == null
        || targetSpacingMm.length != 3
        || Arrays.stream(targetSpacingMm).anyMatch(s -> !(s > 0))) {
      throw new IllegalArgumentException("targetSpacingMm needs three positive values");
    }
    if (roiSize == null || roiSize.length != 3 || Arrays.stream(roiSize).anyMatch(s -> s < 1)) {
      throw new IllegalArgumentException("roiSize needs three positive values");
    }
    if (!"sliding-window".equals(inferenceMode) && !"coarse-to-fine".equals(inferenceMode)) {
      throw new IllegalArgumentException("unknown inference mode: " + inferenceMode);
    }
    if (overlap < 0 || overlap >= 1) {
      throw new IllegalArgumentException("overlap must be in [0, 1): " + overlap);
    }
    if (intensity == null) {
      throw new IllegalArgumentException("intensity normalisation is required");
    }
    targetSpacingMm = targetSpacingMm.clone();
    roiSize = roiSize.clone();
  }

  @Override
  public double[] targetSpacingMm() {
    return targetSpacingMm.clone();
  }

  @Override
  public int[] roiSize() {
    return roiSize.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PreprocessingSpec p
        && orientation.equals(p.orientation)
        && Arrays.equals(targetSpacingMm, p.targetSpacingMm)
        && intensity.equals(p.intensity)
        && Arrays.equals(roiSize, p.roiSize)
        && inferenceMode.equals(p.inferenceMode)
        && Double.compare(overlap, p.overlap) == 0;
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(
        orientation,
        Arrays.hashCode(targetSpacingMm),
        intensity,
        Arrays.hashCode(roiSize),
        inferenceMode,
        overlap);
  }

  @Override
  public String toString() {
    return "PreprocessingSpec[orientation="
        + orientation
        + ", targetSpacingMm="
        + Arrays.toString(targetSpacingMm)
        + ", intensity="
        + intensity
        + ", roiSize="
        + Arrays.toString(roiSize)
        + ", inferenceMode="
        + inferenceMode
        + ", overlap="
        + overlap
        + "]";
  }
}
