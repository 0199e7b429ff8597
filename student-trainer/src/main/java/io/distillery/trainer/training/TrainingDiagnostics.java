package io.distillery.trainer.training;

import ai.djl.ndarray.NDArray;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the network makes of the patches it is trained on, per class: the hard Dice of the argmax
 * pooled over the batch ({@code train.dice.<class>}), the mean softmax of the class on its own
 * voxels ({@code train.softmax.<class>}) and the fraction of the batch's voxels that carry the
 * class ({@code train.voxels.<class>}). A class that stays at zero shows here first: a softmax that
 * never leaves the class's voxel share, or a voxel share of zero (the sampler never feeds it).
 *
 * <p>Only the classes a sample's dataset labels count for that sample (a partial-label sample says
 * nothing about the other organs). A class absent from the batch's labels and from its argmax has
 * no Dice in that step (the trainer averages each diagnostic over the steps that have it). Logits
 * {@code N×C×D×H×W}; computed on a detached copy, outside the loss.
 */
final class TrainingDiagnostics {
  /** One voxel in this many is scored. */
  static final int SAMPLE_STRIDE = 7;

  private TrainingDiagnostics() {}

  /**
   * @param logits the batch's logits (full resolution)
   * @param batch the batch (its label maps)
   * @param source the groups (which classes each sample's dataset labels)
   * @param classNames job classes, background first
   */
  static Map<String, Double> of(
      NDArray logits, Batch batch, BatchSource source, List<String> classNames) {
    int classes = (int) logits.getShape().get(1);
    int n = batch.count();
    int voxels = (int) (logits.getShape().size() / ((long) n * classes));
    // The raw values only: no tensor is derived from the logits, so the autograd graph and the
    // step's native memory stay exactly as the loss left them.
    float[] p = logits.toFloatArray();
    long[] tp = new long[classes];
    long[] fp = new long[classes];
    long[] fn = new long[classes];
    long[] count = new long[classes];
    double[] softmaxSum = new double[classes];
    long counted = 0;
    for (int b = 0; b < n; b++) {
      int[] labelled = source.groups().get(batch.groups()[b]).labelledClasses();
      if (labelled.length == 0) {
        continue;
      }
      boolean[] isLabelled = new boolean[classes];
      for (int c : labelled) {
        isLabelled[c] = true;
      }
      short[] labels = batch.labels().get(b);
      int base = b * classes * voxels;
      float[] q = new float[classes];
      // Every SAMPLE_STRIDE-th voxel: the figures are means, and the Java loop stays a few
      // milliseconds per step.
      for (int i = 0; i < voxels; i += SAMPLE_STRIDE) {
        counted++;
        int best = 0;
        float bestZ = p[base + i];
        for (int c = 1; c < classes; c++) {
          float z = p[base + c * voxels + i];
          if (z > bestZ) {
            bestZ = z;
            best = c;
          }
        }
        int truth = labels[i];
        if (truth > 0 && truth < classes && isLabelled[truth]) {
          count[truth]++;
          softmaxSum[truth] += softmax(p, base, voxels, i, classes, bestZ, q)[truth];
          if (best == truth) {
            tp[truth]++;
          } else {
            fn[truth]++;
          }
        }
        if (best > 0 && best != truth && isLabelled[best]) {
          fp[best]++;
        }
      }
    }
    Map<String, Double> out = new LinkedHashMap<>();
    if (counted == 0) {
      return out;
    }
    for (int c = 1; c < classes; c++) {
      String name = name(classNames, c);
      long denominator = 2 * tp[c] + fp[c] + fn[c];
      if (denominator > 0) {
        out.put("train.dice." + name, 2.0 * tp[c] / denominator);
      }
      if (count[c] > 0) {
        out.put("train.softmax." + name, softmaxSum[c] / count[c]);
      }
      out.put("train.voxels." + name, count[c] / (double) counted);
    }
    return out;
  }

  /**
   * What the stored teacher outputs say on the same patches: per teacher channel k (student class
   * k+1), the Dice of {@code p_k > 0.5} against the labels on the samples whose dataset labels the
   * class ({@code train.teacher.dice.<class>}), and the share of all the batch's voxels where
   * {@code p_k > 0.5} ({@code train.teacher.voxels.<class>}). A teacher map that is misplaced
   * relative to the image (a cropping or grid error) shows as a low Dice on the teacher's own
   * training cases.
   *
   * @param teacherForeground N×K×D×H×W foreground probabilities of the K teachers
   */
  static Map<String, Double> teachers(
      NDArray teacherForeground, Batch batch, BatchSource source, List<String> classNames) {
    int k = (int) teacherForeground.getShape().get(1);
    int n = batch.count();
    int voxels = (int) (teacherForeground.getShape().size() / ((long) n * k));
    float[] p = teacherForeground.toFloatArray();
    Map<String, Double> out = new LinkedHashMap<>();
    for (int t = 0; t < k; t++) {
      int cls = t + 1;
      long tp = 0;
      long fp = 0;
      long fn = 0;
      long on = 0;
      long counted = 0;
      for (int b = 0; b < n; b++) {
        boolean labelled = false;
        for (int c : source.groups().get(batch.groups()[b]).labelledClasses()) {
          labelled |= c == cls;
        }
        short[] labels = batch.labels().get(b);
        int base = (b * k + t) * voxels;
        for (int i = 0; i < voxels; i += SAMPLE_STRIDE) {
          counted++;
          boolean predicted = p[base + i] > 0.5f;
          if (predicted) {
            on++;
          }
          if (labelled) {
            boolean truth = labels[i] == cls;
            if (predicted && truth) {
              tp++;
            } else if (predicted) {
              fp++;
            } else if (truth) {
              fn++;
            }
          }
        }
      }
      String name = name(classNames, cls);
      if (2 * tp + fp + fn > 0) {
        out.put("train.teacher.dice." + name, 2.0 * tp / (2 * tp + fp + fn));
      }
      out.put("train.teacher.voxels." + name, counted == 0 ? 0.0 : on / (double) counted);
    }
    return out;
  }

  private static String name(List<String> classNames, int c) {
    return c < classNames.size() ? classNames.get(c) : "class" + c;
  }

  /** The softmax over the classes of voxel {@code i} (logits {@code max} at most), into q. */
  private static float[] softmax(
      float[] z, int base, int voxels, int i, int classes, float max, float[] q) {
    double sum = 0;
    for (int c = 0; c < classes; c++) {
      q[c] = (float) Math.exp(z[base + c * voxels + i] - max);
      sum += q[c];
    }
    for (int c = 0; c < classes; c++) {
      q[c] /= (float) sum;
    }
    return q;
  }
}
