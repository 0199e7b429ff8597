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
 * @param teacherFeatures stored teacher feature maps {@code F×D×H×W} on the same grid as {@code
 *     image} (MS-KD's feature-wise term), teachers in job order, as IEEE fp16 bits ({@code
 *     HalfFloat}: half the heap of floats; the maps are stored as fp16 anyway [our choice]), or
 *     null
 * @param featureChannels channels of each teacher's map in {@code teacherFeatures} (sum F), or an
 *     empty array
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
    short[] teacherFeatures,
    int[] featureChannels,
    int[] shape,
    double[] spacingDhwMm) {

  /** A case without teacher feature maps. */
  public PreparedCase(
      String volumeId,
      String modality,
      float[] image,
      short[] labels,
      int[] labelledClasses,
      float[] softLabels,
      int softChannels,
      int[] shape,
      double[] spacingDhwMm) {
    this(
        volumeId,
        modality,
        image,
        labels,
        labelledClasses,
        softLabels,
        softChannels,
        null,
        new int[0],
        shape,
        spacingDhwMm);
  }

  /** Total feature channels F (0 without feature maps). */
  public int featureChannelCount() {
    return teacherFeatures == null ? 0 : java.util.Arrays.stream(featureChannels).sum();
  }

  /** Bytes of heap this case's arrays hold (what {@link TrainingSetMemory} estimates). */
  public long heapBytes() {
    long bytes = (long) image.length * Float.BYTES;
    bytes += softLabels == null ? 0 : (long) softLabels.length * Float.BYTES;
    bytes += teacherFeatures == null ? 0 : (long) teacherFeatures.length * Short.BYTES;
    bytes += labels == null ? 0 : (long) labels.length * Short.BYTES;
    return bytes;
  }

  /** Voxels per channel. */
  public int voxels() {
    return shape[0] * shape[1] * shape[2];
  }
}
