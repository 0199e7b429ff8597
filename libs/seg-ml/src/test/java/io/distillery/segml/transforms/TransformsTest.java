package io.distillery.segml.transforms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.distillery.tensorcodec.HalfFloat;
import java.util.List;
import org.junit.jupiter.api.Test;

class TransformsTest {

  @Test
  void trilinearResizeUsesHalfPixelCentres() {
    // 1×1×2 → 1×1×4: sources −0.25 (clamped), 0.25, 0.75, 1.25 (clamped).
    float[] out =
        TrilinearResize.resize(new float[] {1f, 3f}, 1, new int[] {1, 1, 2}, new int[] {1, 1, 4});
    assertThat(out).containsExactly(new float[] {1f, 1.5f, 2.5f, 3f}, within(1e-6f));
    float[] down =
        TrilinearResize.resize(
            new float[] {1, 3, 5, 7}, 1, new int[] {4, 1, 1}, new int[] {2, 1, 1});
    assertThat(down).containsExactly(new float[] {2f, 6f}, within(1e-6f));
    assertThat(
            TrilinearResize.resizeNearest(
                new int[] {1, 2}, new int[] {1, 1, 2}, new int[] {1, 1, 4}))
        .containsExactly(1, 1, 2, 2);
  }

  /**
   * 20×20×20 image holding its linear index; one foreground voxel of class 1 and one of class 2.
   */
  private static TrainingCase indexedCase() {
    int n = 8000;
    float[] image = new float[n];
    short[] labels = new short[n];
    for (int i = 0; i < n; i++) {
      image[i] = i;
    }
    labels[(5 * 20 + 6) * 20 + 7] = 1;
    labels[(15 * 20 + 14) * 20 + 13] = 2;
    return new TrainingCase(image, 1, labels, new int[] {20, 20, 20});
  }

  @Test
  void foregroundPatchesAreCentredOnAVoxelOfEachClassInTurn() {
    PatchSampler sampler =
        new PatchSampler(List.of(indexedCase()), new int[] {4, 4, 4}, 1.0, Augmentation.none(), 1);
    int[] seen = new int[3];
    for (int i = 0; i < 200; i++) {
      Patch p = sampler.next();
      // the centre (2,2,2) of a 4³ patch is the foreground voxel; the image is a plain crop.
      short centre = p.labels()[(2 * 4 + 2) * 4 + 2];
      seen[centre]++;
      float value = p.image()[(2 * 4 + 2) * 4 + 2];
      assertThat(value).isEqualTo(centre == 1 ? (5 * 20 + 6) * 20 + 7 : (15 * 20 + 14) * 20 + 13);
      assertThat(p.image()[(2 * 4 + 2) * 4 + 3]).isEqualTo(value + 1);
      assertThat(p.image()[(3 * 4 + 2) * 4 + 2]).isEqualTo(value + 400);
    }
    assertThat(seen[0]).isZero();
    // Class-balanced: each class chosen about half the time (binomial, 200 draws).
    assertThat(seen[1]).isBetween(70, 130);
  }

  @Test
  void aboutAThirdOfPatchesAreForegroundCentred() {
    PatchSampler sampler =
        new PatchSampler(
            List.of(indexedCase()), new int[] {4, 4, 4}, 1.0 / 3, Augmentation.none(), 2);
    int centred = 0;
    for (int i = 0; i < 600; i++) {
      centred += sampler.next().labels()[(2 * 4 + 2) * 4 + 2] != 0 ? 1 : 0;
    }
    assertThat(centred).isBetween(160, 240);
  }

  @Test
  void flipsReverseTheCropAndIntensityIsScaledAndShifted() {
    PatchSampler flipper =
        new PatchSampler(
            List.of(indexedCase()),
            new int[] {4, 4, 4},
            1.0,
            new Augmentation(1, 0, 0, 0, 0, 0),
            3);
    Patch p = flipper.next();
    float centre = p.image()[(2 * 4 + 2) * 4 + 2];
    // With W flipped, the next voxel along W reads the previous source voxel.
    assertThat(p.image()[(2 * 4 + 2) * 4 + 3]).isEqualTo(centre - 1);
    assertThat(p.image()[(3 * 4 + 2) * 4 + 2]).isEqualTo(centre - 400);

    PatchSampler scaled =
        new PatchSampler(
            List.of(indexedCase()),
            new int[] {4, 4, 4},
            1.0,
            new Augmentation(0, 0.1, 0.1, 0, 0, 0),
            4);
    Patch q = scaled.next();
    float c = q.image()[(2 * 4 + 2) * 4 + 2];
    float next = q.image()[(2 * 4 + 2) * 4 + 3];
    float slope = next - c; // = scale
    assertThat(slope).isBetween(0.9f, 1.1f);
  }

  @Test
  void rotationKeepsLabelsAndImageConsistent() {
    // A 30³ volume whose image equals its label: a 12³ block of class 1 in the middle.
    int n = 30 * 30 * 30;
    float[] image = new float[n];
    short[] labels = new short[n];
    for (int z = 9; z < 21; z++) {
      for (int y = 9; y < 21; y++) {
        for (int x = 9; x < 21; x++) {
          int i = (z * 30 + y) * 30 + x;
          image[i] = 1f;
          labels[i] = 1;
        }
      }
    }
    TrainingCase c = new TrainingCase(image, 1, labels, new int[] {30, 30, 30});
    PatchSampler sampler =
        new PatchSampler(
            List.of(c), new int[] {16, 16, 16}, 1.0, new Augmentation(0.5, 0, 0, 1.0, 15, 0.1), 5);
    for (int k = 0; k < 5; k++) {
      Patch p = sampler.next();
      int agree = 0;
      for (int i = 0; i < p.labels().length; i++) {
        agree += (p.image()[i] >= 0.5f) == (p.labels()[i] == 1) ? 1 : 0;
      }
      assertThat((double) agree / p.labels().length).isGreaterThan(0.97);
    }
  }

  @Test
  void sameSeedSameSequenceAndPrefetchingPreservesIt() throws InterruptedException {
    PatchSampler a =
        new PatchSampler(
            List.of(indexedCase()), new int[] {6, 6, 6}, 0.33, Augmentation.light(), 9);
    PatchSampler b =
        new PatchSampler(
            List.of(indexedCase()), new int[] {6, 6, 6}, 0.33, Augmentation.light(), 9);
    try (PrefetchingSampler prefetch = new PrefetchingSampler(b, 4)) {
      for (int i = 0; i < 20; i++) {
        Patch direct = a.next();
        Patch fetched = prefetch.take();
        assertThat(fetched.image()).containsExactly(direct.image());
        assertThat(fetched.labels()).containsExactly(direct.labels());
      }
    }
  }

  @Test
  void channelsHeldAsHalvesSampleExactlyLikeTheirFloatValues() {
    // 20³: a float image (its index), one more float channel, and a two-channel fp16 block; the
    // reference packs the float value of every channel (an fp16 value converts exactly) in one
    // array. Same seed, same draws: patches must agree bit for bit, rotated (trilinear) or not.
    int n = 8000;
    float[] image = new float[n];
    float[] soft = new float[n];
    short[] halves = new short[2 * n];
    float[] packed = new float[4 * n];
    short[] labels = new short[n];
    for (int i = 0; i < n; i++) {
      image[i] = i;
      soft[i] = 1f / (1 + i);
      halves[i] = HalfFloat.fromFloat((float) Math.sin(i * 0.1) * 3);
      halves[n + i] = HalfFloat.fromFloat(i / 7f);
      packed[i] = image[i];
      packed[n + i] = soft[i];
      packed[2 * n + i] = HalfFloat.toFloat(halves[i]);
      packed[3 * n + i] = HalfFloat.toFloat(halves[n + i]);
      labels[i] = (short) (i % 97 == 0 ? 1 : 0);
    }
    int[] shape = {20, 20, 20};
    TrainingCase blocks =
        new TrainingCase(
            List.of(
                ChannelBlock.floats(image, 1),
                ChannelBlock.floats(soft, 1),
                ChannelBlock.halves(halves, 2)),
            labels,
            shape);
    assertThat(blocks.channels()).isEqualTo(4);
    TrainingCase reference = new TrainingCase(packed, 4, labels, shape);
    for (Augmentation augmentation :
        List.of(new Augmentation(0.5, 0, 0, 0, 0, 0), new Augmentation(0.5, 0, 0, 1.0, 15, 0.1))) {
      PatchSampler a = new PatchSampler(List.of(blocks), new int[] {8, 8, 8}, 0.5, augmentation, 7);
      PatchSampler b =
          new PatchSampler(List.of(reference), new int[] {8, 8, 8}, 0.5, augmentation, 7);
      for (int k = 0; k < 10; k++) {
        Patch p = a.next();
        Patch q = b.next();
        assertThat(p.channels()).isEqualTo(4);
        assertThat(p.image()).containsExactly(q.image());
        assertThat(p.labels()).containsExactly(q.labels());
      }
    }
    assertThatThrownBy(
            () ->
                new TrainingCase(
                    List.of(ChannelBlock.floats(image, 1), ChannelBlock.halves(halves, 3)),
                    labels,
                    shape))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("for 3 channels");
  }

  @Test
  void prefetchingRethrowsSamplerFailures() throws InterruptedException {
    // A negative patch size makes next() fail on the worker thread (NegativeArraySizeException).
    PatchSampler broken =
        new PatchSampler(List.of(indexedCase()), new int[] {-1, 4, 4}, 0, Augmentation.none(), 1);
    try (PrefetchingSampler prefetch = new PrefetchingSampler(broken, 2)) {
      assertThatThrownBy(prefetch::take).isInstanceOf(PrefetchingSampler.SamplerException.class);
    }
  }
}
