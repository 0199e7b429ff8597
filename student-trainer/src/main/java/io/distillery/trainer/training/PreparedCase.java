package io.distillery.trainer.training;

/**
 * One volume ready for sampling, at the job's spacing: arrays {@code D×H×W} with W (= x) fastest,
 * the same memory order as volume-io's x-fastest volumes.
 *
 * @param volumeId the volume
 * @param modality {@code CT} or {@code MR}
 * @param image normalised intensities
 * @param labels job class index per voxel (0 where unlabelled or background)
 * @param labelledClasses job class indices this volume's label annotates (empty: unlabelled)
 * @param softLabels teacher probabilities {@code S×D×H×W} aligned to the job's needs, or null
 * @param softChannels S
 * @param shape D, H, W
 * @param spacingDhwMm spacing in D, H, W order (z, y, x), mm
 */
public record PreparedCase(
    String volumeId,
    String modality,
    float[] image,
    short[] labels,
    int[] labelledClasses,
    float[] softLabels,
    int softChannels,
    int[] shape,
    double[] spacingDhwMm) {

  /** Voxels per channel. */
  public int voxels() {
    return shape[0] * shape[1] * shape[2];
  }
}
