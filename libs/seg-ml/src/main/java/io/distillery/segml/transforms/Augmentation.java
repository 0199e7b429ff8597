package io.distillery.segml.transforms;

/**
 * Light augmentation parameters [our choice, close to nnU-Net's lighter settings]: a flip per axis
 * with {@code flipProbability}; intensity {@code x·s + t} with {@code s ∈ 1 ± intensityScale},
 * {@code t ∈ ±intensityShift}; with {@code spatialProbability} a rotation about each axis up to
 * {@code maxRotationDegrees} and an isotropic scaling {@code 1 ± maxScaling} (in voxel
 * coordinates), resampled trilinearly for the image and by nearest neighbour for labels.
 */
public record Augmentation(
    double flipProbability,
    double intensityScale,
    double intensityShift,
    double spatialProbability,
    double maxRotationDegrees,
    double maxScaling) {

  /** No augmentation: patches are plain crops. */
  public static Augmentation none() {
    return new Augmentation(0, 0, 0, 0, 0, 0);
  }

  /** Flips 0.5, intensity ±10 %, ±0.1, rotation ±15° and scaling ±10 % in 20 % of patches. */
  public static Augmentation light() {
    return new Augmentation(0.5, 0.1, 0.1, 0.2, 15, 0.1);
  }

  /** The same augmentation with another flip probability. */
  public Augmentation withFlipProbability(double probability) {
    return new Augmentation(
        probability,
        intensityScale,
        intensityShift,
        spatialProbability,
        maxRotationDegrees,
        maxScaling);
  }
}
