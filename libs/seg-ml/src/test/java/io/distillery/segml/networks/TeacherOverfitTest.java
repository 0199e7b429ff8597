package io.distillery.segml.networks;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.distillery.segml.engine.DjlWindowPredictor;
import io.distillery.segml.engine.EngineThreads;
import io.distillery.segml.training.TrainingStep;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The default teacher overfits a small synthetic volume (two blobs of different intensity). */
class TeacherOverfitTest {

  static final int SIZE = 32;

  /** A noisy volume with a bright sphere (class 1) and a darker ellipsoid (class 2). */
  static void synthetic(float[] image, int[] labels, long seed) {
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

  static double meanForegroundDice(float[] logits, int[] labels, int classes) {
    int voxels = labels.length;
    double sum = 0;
    for (int c = 1; c < classes; c++) {
      long inter = 0;
      long predicted = 0;
      long truth = 0;
      for (int v = 0; v < voxels; v++) {
        int best = 0;
        for (int k = 1; k < classes; k++) {
          if (logits[k * voxels + v] > logits[best * voxels + v]) {
            best = k;
          }
        }
        boolean p = best == c;
        boolean t = labels[v] == c;
        inter += p && t ? 1 : 0;
        predicted += p ? 1 : 0;
        truth += t ? 1 : 0;
      }
      sum += 2.0 * inter / (predicted + truth);
    }
    return sum / (classes - 1);
  }

  /** The default teacher (1.4 M parameters, ~3 s per step here): heavy. */
  @Test
  @org.junit.jupiter.api.Tag("heavy")
  void defaultTeacherReachesDiceAboveNinetyPercent() {
    overfit(UNet3d.builder().setOutChannels(3).build(), 3e-3f, 80);
  }

  /** A small teacher of the same class (~50 steps; minutes on the shared 2-core machine): heavy. */
  @Test
  @org.junit.jupiter.api.Tag("heavy")
  void smallTeacherReachesDiceAboveNinetyPercent() {
    overfit(UNet3d.builder().setOutChannels(3).optBaseWidth(8).optDepth(3).build(), 1e-2f, 80);
  }

  private static void overfit(UNet3d teacher, float learningRate, int maxSteps) {
    EngineThreads.configure(2);
    float[] image = new float[SIZE * SIZE * SIZE];
    int[] labels = new int[image.length];
    synthetic(image, labels, 42);
    int[] dhw = {SIZE, SIZE, SIZE};
    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      ai.djl.engine.Engine.getEngine("PyTorch").setRandomSeed(3);
      teacher.initialize(manager, DataType.FLOAT32, new Shape(1, 1, SIZE, SIZE, SIZE));
      TrainingStep trainer = new TrainingStep(teacher, manager, learningRate);
      float first = trainer.supervised(image, labels, 1, dhw);
      float last = first;
      double dice = 0;
      try (DjlWindowPredictor predictor = new DjlWindowPredictor(teacher, 0)) {
        for (int step = 1; step <= maxSteps && dice <= 0.95; step++) {
          last = trainer.supervised(image, labels, 1, dhw);
          if (step % 10 == 0) {
            dice = meanForegroundDice(predictor.predict(image, 1, dhw), labels, 3);
            System.out.printf("overfit step %d: loss %.4f, mean Dice %.4f%n", step, last, dice);
          }
        }
      }
      assertThat(last).isLessThan(first);
      assertThat(dice).isGreaterThan(0.9);
    }
  }
}
