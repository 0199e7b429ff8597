package io.distillery.segml.transforms;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Measures patch sampling throughput on a BTCV-sized synthetic case (150×257×257, three organs)
 * with light augmentation, and the time a training loop waits on the prefetching sampler. Run:
 * {@code ./mvnw -B -o -pl libs/seg-ml test -Dgroups=benchmark -Dtest=SamplerThroughputBenchmark
 * -Dexcluded.test.groups=none}.
 */
@Tag("benchmark")
class SamplerThroughputBenchmark {

  private static TrainingCase ctSizedCase() {
    int d = 150;
    int h = 257;
    int w = 257;
    float[] image = new float[d * h * w];
    short[] labels = new short[image.length];
    Random r = new Random(1);
    int[][] organs = {{60, 100, 90, 30}, {80, 160, 170, 15}, {90, 120, 200, 8}};
    for (int z = 0, i = 0; z < d; z++) {
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++, i++) {
          image[i] = (float) r.nextGaussian() * 0.1f;
          for (int k = 0; k < organs.length; k++) {
            int[] o = organs[k];
            double dz = (z - o[0]) * 3.0 / 1.5;
            double dist = Math.sqrt(dz * dz + (y - o[1]) * (y - o[1]) + (x - o[2]) * (x - o[2]));
            if (dist < o[3]) {
              labels[i] = (short) (k + 1);
              image[i] += 1f + k;
            }
          }
        }
      }
    }
    return new TrainingCase(image, 1, labels, new int[] {d, h, w});
  }

  @Test
  void patchesPerSecondAndStepWaits() throws InterruptedException {
    TrainingCase c = ctSizedCase();
    for (int size : new int[] {96, 64}) {
      PatchSampler sampler =
          new PatchSampler(
              List.of(c), new int[] {size, size, size}, 1.0 / 3, Augmentation.light(), 42);
      for (int i = 0; i < 5; i++) {
        sampler.next(); // warm-up
      }
      int count = size == 96 ? 60 : 150;
      long start = System.nanoTime();
      for (int i = 0; i < count; i++) {
        sampler.next();
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      System.out.printf(
          "sampler %d³ (light augmentation, 1 thread): %.1f patches/s, %.1f ms/patch%n",
          size, count / seconds, 1000 * seconds / count);
    }
    // A loop that takes a batch of 2 and then "trains" for the fastest step time of stack.md (1.1
    // s),
    // burning CPU on this thread as a real step would.
    PatchSampler sampler =
        new PatchSampler(List.of(c), new int[] {96, 96, 96}, 1.0 / 3, Augmentation.light(), 7);
    List<Double> waits = new ArrayList<>();
    try (PrefetchingSampler prefetch = new PrefetchingSampler(sampler, 8)) {
      Thread.sleep(2000); // the queue fills while the model is being built
      for (int step = 0; step < 10; step++) {
        long t0 = System.nanoTime();
        prefetch.take();
        prefetch.take();
        waits.add((System.nanoTime() - t0) / 1e6);
        busy(1100);
      }
    }
    System.out.printf(
        "prefetching 96³, batch 2, 1.1 s steps: wait per step ms %s, max %.1f ms%n",
        waits.stream().map(v -> String.format("%.1f", v)).toList(),
        waits.stream().mapToDouble(Double::doubleValue).max().orElse(0));
  }

  private static void busy(long millis) {
    long end = System.nanoTime() + millis * 1_000_000;
    double x = 0;
    while (System.nanoTime() < end) {
      x += Math.sin(x);
    }
    if (x == 42) {
      System.out.println();
    }
  }
}
