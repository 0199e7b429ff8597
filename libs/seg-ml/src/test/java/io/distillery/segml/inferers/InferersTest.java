package io.distillery.segml.inferers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class InferersTest {

  /** Returns its input as logits (1 channel in, 1 out) and records the batch sizes it saw. */
  private static final class IdentityPredictor implements WindowPredictor {
    final List<Integer> batches = new ArrayList<>();

    @Override
    public int inChannels() {
      return 1;
    }

    @Override
    public int outChannels() {
      return 1;
    }

    @Override
    public float[] predict(float[] windows, int batch, int[] roi) {
      batches.add(batch);
      return windows.clone();
    }
  }

  /** Every window's logits are the constant 1, 2, 3, … in call order. */
  private static final class CountingPredictor implements WindowPredictor {
    int calls;

    @Override
    public int inChannels() {
      return 1;
    }

    @Override
    public int outChannels() {
      return 1;
    }

    @Override
    public float[] predict(float[] windows, int batch, int[] roi) {
      float[] out = new float[windows.length];
      int per = roi[0] * roi[1] * roi[2];
      for (int b = 0; b < batch; b++) {
        Arrays.fill(out, b * per, (b + 1) * per, ++calls);
      }
      return out;
    }
  }

  /** Two-class logits: class 1 = intensity − 0.5, class 0 = 0. */
  private static final class ThresholdPredictor implements WindowPredictor {
    final List<int[]> sizes = new ArrayList<>();

    @Override
    public int inChannels() {
      return 1;
    }

    @Override
    public int outChannels() {
      return 2;
    }

    @Override
    public float[] predict(float[] windows, int batch, int[] roi) {
      sizes.add(roi.clone());
      int n = windows.length;
      float[] out = new float[2 * n];
      for (int i = 0; i < n; i++) {
        out[n + i] = windows[i] - 0.5f;
      }
      return out;
    }
  }

  private static float[] ramp(int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) Math.sin(i * 0.37) + i * 1e-3f;
    }
    return v;
  }

  @Test
  void windowStartsCoverTheVolumeFlushWithTheEnd() {
    assertThat(SlidingWindowInferer.starts(12, 8, 0.5)).containsExactly(0, 4);
    assertThat(SlidingWindowInferer.starts(13, 8, 0.5)).containsExactly(0, 4, 5);
    assertThat(SlidingWindowInferer.starts(5, 8, 0.5)).containsExactly(0);
  }

  @Test
  void gaussianImportanceIsCentredWithSigmaAnEighthOfTheRoi() {
    float[] map = SlidingWindowInferer.gaussianImportance(new int[] {8, 1, 1}, 0.125);
    // centre index 4, σ = 1: weight exp(−(z−4)²/2).
    for (int z = 0; z < 8; z++) {
      assertThat(map[z]).isCloseTo((float) Math.exp(-0.5 * (z - 4) * (z - 4)), within(1e-7f));
    }
  }

  @Test
  void identityPredictionIsReproducedExactlyForAnyBatchingAndPadding() {
    int[] shape = {10, 7, 9};
    float[] image = ramp(10 * 7 * 9);
    for (int perBatch : new int[] {1, 3}) {
      IdentityPredictor predictor = new IdentityPredictor();
      SlidingWindowInferer inferer =
          SlidingWindowInferer.builder()
              .setRoiSize(8, 8, 4)
              .optOverlap(0.5)
              .optWindowsPerBatch(perBatch)
              .build();
      float[] out = inferer.infer(image, shape, predictor);
      assertThat(out).containsExactly(image, within(1e-5f));
      // depth 10 → starts {0, 2}; height 7 < 8 → padded, 1; width 9 → {0, 2, 4, 5}: 8 windows.
      assertThat(predictor.batches.stream().mapToInt(Integer::intValue).sum()).isEqualTo(8);
      assertThat(predictor.batches.get(0)).isEqualTo(perBatch);
    }
  }

  @Test
  void overlappingWindowsAreBlendedByGaussianWeights() {
    int[] shape = {12, 4, 4};
    CountingPredictor predictor = new CountingPredictor();
    float[] out =
        SlidingWindowInferer.builder()
            .setRoiSize(8, 4, 4)
            .build()
            .infer(new float[12 * 16], shape, predictor);
    // Window 1 (value 1) covers z 0..7, window 2 (value 2) z 4..11; σ = 1 along D, centre 4.
    for (int z = 0; z < 12; z++) {
      double w1 = z < 8 ? Math.exp(-0.5 * (z - 4) * (z - 4)) : 0;
      double w2 = z >= 4 ? Math.exp(-0.5 * (z - 8) * (z - 8)) : 0;
      double expected = (1 * w1 + 2 * w2) / (w1 + w2);
      assertThat(out[z * 16 + 5]).as("z=%d", z).isCloseTo((float) expected, within(1e-5f));
    }
  }

  @Test
  void largestComponentUses26ConnectivityPerClass() {
    // 3×3×5: class 1 has a diagonal chain (0,0,0)-(1,1,1)-(2,2,2) and an isolated voxel (0,0,4);
    // class 2 a single voxel (2,0,0).
    int[] labels = new int[45];
    labels[0] = 1;
    labels[21] = 1;
    labels[42] = 1;
    labels[4] = 1;
    labels[30] = 2;
    int[] out = LargestConnectedComponent.apply(labels, 3, 3, 5);
    int[] expected = labels.clone();
    expected[4] = 0;
    assertThat(out).containsExactly(expected);
  }

  @Test
  void keepLargestKeepsTheTwoLargestComponentsWhereAskedAndLeavesUnfilteredClasses() {
    // One row of 20 voxels (D = H = 1):
    //   class 1 (two asked): components of 4, 3 and 1 voxels → the 4 and the 3 stay;
    //   class 2 (one asked): 2 and 2 voxels, a tie → the first one stays;
    //   class 3 (0 asked: unfiltered): 1 and 1 voxels → both stay.
    short[] labels = row("11110220101110220303");
    LargestConnectedComponent.keepLargest(labels, 1, 1, 20, new int[] {1, 2, 1, 0});
    assertThat(labels).containsExactly(row("11110220001110000303"));
  }

  @Test
  void keepLargestWithoutCountsKeepsOneComponentPerClass() {
    short[] labels = row("110111020022");
    LargestConnectedComponent.keepLargest(labels, 1, 1, 12, null);
    assertThat(labels).containsExactly(row("000111000022"));
  }

  private static short[] row(String digits) {
    short[] out = new short[digits.length()];
    for (int i = 0; i < out.length; i++) {
      out[i] = (short) (digits.charAt(i) - '0');
    }
    return out;
  }

  @Test
  void coarseToFineFindsTheObjectAndKeepsItsLargestComponent() {
    int[] shape = {40, 48, 44};
    float[] image = new float[40 * 48 * 44];
    int[] truth = new int[image.length];
    for (int z = 10; z < 26; z++) {
      for (int y = 12; y < 32; y++) {
        for (int x = 8; x < 30; x++) {
          int i = (z * 48 + y) * 44 + x;
          image[i] = 1f;
          truth[i] = 1;
        }
      }
    }
    ThresholdPredictor coarse = new ThresholdPredictor();
    ThresholdPredictor fine = new ThresholdPredictor();
    CoarseToFineInferer inferer =
        new CoarseToFineInferer(
            new int[] {16, 16, 16}, new int[] {24, 16, 24}, 1.1, new double[] {10, 10, 10}, true);
    int[] labels = inferer.segment(image, shape, new double[] {2, 1, 1}, coarse, fine);
    assertThat(coarse.sizes.get(0)).containsExactly(16, 16, 16);
    assertThat(fine.sizes.get(0)).containsExactly(24, 16, 24);
    int both = 0;
    int sum = 0;
    for (int i = 0; i < labels.length; i++) {
      both += labels[i] == 1 && truth[i] == 1 ? 1 : 0;
      sum += labels[i] + truth[i];
    }
    assertThat(2.0 * both / sum).isGreaterThan(0.97);

    ThresholdPredictor unused = new ThresholdPredictor();
    int[] empty =
        inferer.segment(new float[image.length], shape, new double[] {2, 1, 1}, coarse, unused);
    assertThat(empty).containsOnly(0);
    assertThat(unused.sizes).isEmpty();
  }
}
