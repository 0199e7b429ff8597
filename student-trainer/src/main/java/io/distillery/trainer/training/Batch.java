package io.distillery.trainer.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.distillery.segml.transforms.Patch;
import java.util.ArrayList;
import java.util.List;

/**
 * Patches of one step as tensors in a step manager: image {@code N×1×D×H×W}, soft labels {@code
 * N×S×D×H×W} (or null), teacher feature maps {@code N×C_k×D×H×W} per teacher (or null) and the
 * per-sample label maps and groups, for losses that need them.
 *
 * @param image network input
 * @param softLabels teacher probabilities carried as extra patch channels, or null
 * @param teacherFeatures teacher k's feature map cropped like the image (patch channels after the
 *     soft labels), teachers in job order; null when the patches carry none
 * @param labels label maps {@code D×H×W} (job class indices) per sample
 * @param groups group index per sample
 * @param size patch D, H, W
 */
public record Batch(
    NDArray image,
    NDArray softLabels,
    List<NDArray> teacherFeatures,
    List<short[]> labels,
    int[] groups,
    int[] size) {

  /** Takes {@code count} patches, sample b from group {@code groupOf[b]}. */
  public static Batch take(NDManager manager, BatchSource source, int[] groupOf) {
    List<Patch> patches = new ArrayList<>();
    for (int g : groupOf) {
      patches.add(source.take(g));
    }
    Patch first = patches.get(0);
    int[] size = first.size();
    int voxels = size[0] * size[1] * size[2];
    int channels = first.channels();
    int softChannels = source.softChannels(groupOf[0]);
    int[] featureChannels = source.featureChannels(groupOf[0]);
    int n = patches.size();
    float[] image = new float[n * voxels];
    float[] soft = softChannels > 0 ? new float[n * softChannels * voxels] : null;
    float[][] features = new float[featureChannels.length][];
    for (int k = 0; k < features.length; k++) {
      features[k] = new float[n * featureChannels[k] * voxels];
    }
    List<short[]> labels = new ArrayList<>();
    for (int b = 0; b < n; b++) {
      Patch p = patches.get(b);
      if (p.channels() != channels
          || source.softChannels(groupOf[b]) != softChannels
          || !java.util.Arrays.equals(source.featureChannels(groupOf[b]), featureChannels)) {
        throw new TrainingException("patches of one batch differ in channels");
      }
      System.arraycopy(p.image(), 0, image, b * voxels, voxels);
      if (soft != null) {
        System.arraycopy(p.image(), voxels, soft, b * softChannels * voxels, softChannels * voxels);
      }
      int at = (1 + softChannels) * voxels;
      for (int k = 0; k < features.length; k++) {
        int length = featureChannels[k] * voxels;
        System.arraycopy(p.image(), at, features[k], b * length, length);
        at += length;
      }
      labels.add(p.labels());
    }
    NDArray imageArray = manager.create(image, new Shape(n, 1, size[0], size[1], size[2]));
    NDArray softArray =
        soft == null
            ? null
            : manager.create(soft, new Shape(n, softChannels, size[0], size[1], size[2]));
    List<NDArray> featureArrays = null;
    if (features.length > 0) {
      featureArrays = new ArrayList<>();
      for (int k = 0; k < features.length; k++) {
        featureArrays.add(
            manager.create(
                features[k], new Shape(n, featureChannels[k], size[0], size[1], size[2])));
      }
    }
    return new Batch(imageArray, softArray, featureArrays, labels, groupOf.clone(), size);
  }

  /** Label maps {@code N×D×H×W} (int32) of samples {@code [from, to)}. */
  public NDArray labelArray(NDManager manager, int from, int to) {
    int voxels = size[0] * size[1] * size[2];
    int[] out = new int[(to - from) * voxels];
    for (int b = from; b < to; b++) {
      short[] l = labels.get(b);
      for (int i = 0; i < voxels; i++) {
        out[(b - from) * voxels + i] = l[i];
      }
    }
    return manager.create(out, new Shape(to - from, size[0], size[1], size[2]));
  }

  /**
   * Sample {@code b}'s labels re-indexed into a partial label space: 0 for everything not in {@code
   * labelled}, j for {@code labelled[j−1]}; {@code 1×D×H×W} int32.
   */
  public NDArray partialLabels(NDManager manager, int b, int[] labelled) {
    short[] l = labels.get(b);
    int[] map = new int[Short.MAX_VALUE + 1];
    for (int j = 0; j < labelled.length; j++) {
      map[labelled[j]] = j + 1;
    }
    int[] out = new int[l.length];
    for (int i = 0; i < l.length; i++) {
      out[i] = map[l[i]];
    }
    return manager
        .create(out, new Shape(1, size[0], size[1], size[2]))
        .toType(DataType.INT32, false);
  }

  /** Number of samples. */
  public int count() {
    return labels.size();
  }
}
