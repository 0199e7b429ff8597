package io.distillery.segml.training;

import java.util.Random;

/**
 * The small synthetic volume of the overfit tests: 32³, a bright sphere (class 1) and a darker
 * ellipsoid (class 2) in Gaussian noise (σ 0.25). Image (1, 1, 32, 32, 32), labels D·H·W, W
 * fastest.
 */
public final class OverfitVolume {

  /** Edge length. */
  public static final int SIZE = 32;

  /** (D, H, W). */
  public static final int[] DHW = {SIZE, SIZE, SIZE};

  /** Voxel values. */
  public final float[] image = new float[SIZE * SIZE * SIZE];

  /** Class per voxel: 0 background, 1 sphere, 2 ellipsoid. */
  public final int[] labels = new int[image.length];

  /** The volume with noise from {@code seed}. */
  public OverfitVolume(long seed) {
    Random random = new Random(seed);
    for (int z = 0; z < SIZE; z++) {
      for (int y = 0; y < SIZE; y++) {
        for (int x = 0; x < SIZE; x++) {
          int i = (z * SIZE + y) * SIZE + x;
          double sphere = sq(z - 12) + sq(y - 14) + sq(x - 11);
          double ellipsoid = sq((z - 22) / 1.5) + sq(y - 20) + sq((x - 22) / 0.8);
          int label = sphere < 49 ? 1 : ellipsoid < 25 ? 2 : 0;
          labels[i] = label;
          image[i] =
              (label == 1 ? 1.0f : label == 2 ? 0.5f : 0f) + 0.25f * (float) random.nextGaussian();
        }
      }
    }
  }

  private static double sq(double v) {
    return v * v;
  }

  /** The binary label map of one structure (1 where {@code labels == structure}). */
  public int[] binary(int structure) {
    int[] out = new int[labels.length];
    for (int i = 0; i < labels.length; i++) {
      out[i] = labels[i] == structure ? 1 : 0;
    }
    return out;
  }

  /** Per-voxel argmax of C×D×H×W logits (one sample). */
  public static int[] argmax(float[] logits, int classes) {
    int voxels = logits.length / classes;
    int[] out = new int[voxels];
    for (int v = 0; v < voxels; v++) {
      int best = 0;
      for (int k = 1; k < classes; k++) {
        if (logits[k * voxels + v] > logits[best * voxels + v]) {
          best = k;
        }
      }
      out[v] = best;
    }
    return out;
  }

  /** Hard Dice of class {@code c} between two label maps. */
  public static double dice(int[] predicted, int[] truth, int c) {
    long inter = 0;
    long p = 0;
    long t = 0;
    for (int v = 0; v < truth.length; v++) {
      boolean isP = predicted[v] == c;
      boolean isT = truth[v] == c;
      inter += isP && isT ? 1 : 0;
      p += isP ? 1 : 0;
      t += isT ? 1 : 0;
    }
    return 2.0 * inter / (p + t);
  }

  /** Mean hard Dice over classes 1..classes−1 of the argmax of logits against {@code truth}. */
  public static double meanForegroundDice(float[] logits, int[] truth, int classes) {
    int[] predicted = argmax(logits, classes);
    double sum = 0;
    for (int c = 1; c < classes; c++) {
      sum += dice(predicted, truth, c);
    }
    return sum / (classes - 1);
  }
}
