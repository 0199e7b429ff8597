package io.distillery.trainer.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Partial labels completed by the teachers' hard decisions: each sample keeps its dataset's labels
 * for the classes the dataset labels, and on the voxels the dataset calls background (which, for a
 * single-organ dataset, include every other organ) takes the class a teacher claims for the classes
 * the dataset does not label; a sample of an unlabelled dataset gets the teachers' classes
 * everywhere. The result is a full label map {@code N×D×H×W} (job class indices, int32) that the
 * supervised Dice + CE scores like a fully labelled batch.
 *
 * <p>Why [our addition to Feng et al., an option, off by default]: with four single-organ datasets
 * each organ is labelled in a quarter of the samples; completed labels let every sample teach every
 * organ, with the batch Dice of the fully labelled recipe. The teachers' errors become label noise
 * on the classes a dataset does not label; their own classes stay ground truth. Measured on the
 * BTCV demo student (docs/quality.md): with them a depth-4 student found every organ (S12), but so
 * did the partial-label loss with the same student and steps (S13); the depth-3 students of S1–S11
 * found none either way.
 *
 * <p>Soft-label layouts: one foreground probability per job organ (MS-KD, channel j is class j+1):
 * the organ with the highest probability above {@link #THRESHOLD}; or one channel per job class,
 * background first (KD): the argmax when it is an organ. Classes the sample's dataset labels are
 * never taken from a teacher.
 */
final class PseudoLabels {
  /** A teacher claims a voxel for its organ above this probability (the teacher's own argmax). */
  static final float THRESHOLD = 0.5f;

  private PseudoLabels() {}

  /**
   * @param manager where the label array is created
   * @param batch the batch (its labels and soft labels)
   * @param source the groups (which classes each sample's dataset labels)
   * @param classes job classes, background included
   * @return completed labels {@code N×D×H×W} int32
   * @throws TrainingException when the batch carries no soft labels
   */
  static NDArray complete(NDManager manager, Batch batch, BatchSource source, int classes) {
    if (batch.softLabels() == null) {
      throw new TrainingException("pseudo-labels need the teachers' stored soft labels");
    }
    int n = batch.count();
    int[] size = batch.size();
    int voxels = size[0] * size[1] * size[2];
    int channels = (int) batch.softLabels().getShape().get(1);
    boolean foregroundPerOrgan = layout(channels, classes);
    float[] soft = batch.softLabels().toFloatArray();
    int[] out = new int[n * voxels];
    for (int b = 0; b < n; b++) {
      boolean[] labelled =
          labelledMask(source.groups().get(batch.groups()[b]).labelledClasses(), classes);
      short[] labels = batch.labels().get(b);
      int base = b * channels * voxels;
      for (int i = 0; i < voxels; i++) {
        out[b * voxels + i] =
            label(labels[i], labelled, soft, base, voxels, i, classes, foregroundPerOrgan);
      }
    }
    return manager.create(out, new Shape(n, size[0], size[1], size[2]));
  }

  /**
   * A whole case's completed labels {@code D×H×W}, where the patch sampler centres its foreground
   * patches when a job trains on pseudo-labels, so that every organ, not only the dataset's own, is
   * at the centre of patches; the case's labels when it carries no soft labels.
   */
  static short[] ofCase(PreparedCase c, int classes) {
    if (c.softLabels() == null || classes < 2) {
      return c.labels();
    }
    boolean foregroundPerOrgan = layout(c.softChannels(), classes);
    boolean[] labelled = labelledMask(c.labelledClasses(), classes);
    int voxels = c.voxels();
    short[] labels = c.labels();
    float[] soft = c.softLabels();
    short[] out = new short[voxels];
    for (int i = 0; i < voxels; i++) {
      out[i] = (short) label(labels[i], labelled, soft, 0, voxels, i, classes, foregroundPerOrgan);
    }
    return out;
  }

  /** Whether soft labels are one foreground channel per organ (else one channel per class). */
  private static boolean layout(int channels, int classes) {
    if (channels == classes - 1) {
      return true;
    }
    if (channels == classes) {
      return false;
    }
    throw new TrainingException(
        "pseudo-labels need one soft-label channel per organ or per class; the teachers' outputs have "
            + channels
            + " for "
            + classes
            + " classes");
  }

  private static boolean[] labelledMask(int[] labelledClasses, int classes) {
    boolean[] labelled = new boolean[classes];
    for (int c : labelledClasses) {
      if (c > 0 && c < classes) {
        labelled[c] = true;
      }
    }
    return labelled;
  }

  /** Voxel i's completed label: the dataset's own where it labels it, else a teacher's claim. */
  private static int label(
      int truth,
      boolean[] labelled,
      float[] soft,
      int base,
      int voxels,
      int i,
      int classes,
      boolean foregroundPerOrgan) {
    if (truth > 0 && truth < classes && labelled[truth]) {
      return truth;
    }
    return foregroundPerOrgan
        ? organAboveThreshold(soft, base, voxels, i, classes, labelled)
        : argmaxOrgan(soft, base, voxels, i, classes, labelled);
  }

  private static int organAboveThreshold(
      float[] soft, int base, int voxels, int i, int classes, boolean[] labelled) {
    int best = 0;
    float bestP = THRESHOLD;
    for (int c = 1; c < classes; c++) {
      float p = soft[base + (c - 1) * voxels + i];
      if (!labelled[c] && p > bestP) {
        bestP = p;
        best = c;
      }
    }
    return best;
  }

  private static int argmaxOrgan(
      float[] soft, int base, int voxels, int i, int classes, boolean[] labelled) {
    int best = 0;
    float bestP = soft[base + i];
    for (int c = 1; c < classes; c++) {
      float p = soft[base + c * voxels + i];
      if (p > bestP) {
        bestP = p;
        best = c;
      }
    }
    return labelled[best] ? 0 : best;
  }
}
