package io.distillery.volumeio.intensity;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PercentilesTest {
  @Test
  void matchesNumpysLinearDefinition() {
    assertThat(Percentiles.of(new float[] {4, 1, 3, 2}, 0, 50, 100)).containsExactly(1, 2.5, 4);
    assertThat(Percentiles.of(new float[] {5, Float.NaN, 1}, 50)).containsExactly(3);
  }

  @Test
  void agreesWithSortingOnDataWithManyTies() {
    Random r = new Random(7);
    float[] v = new float[100_001];
    for (int i = 0; i < v.length; i++) {
      // Half the voxels are air at -1024 HU, as in CT: the worst case for naive quickselect.
      v[i] = r.nextBoolean() ? -1024f : (float) Math.round(r.nextGaussian() * 200);
    }
    float[] sorted = v.clone();
    Arrays.sort(sorted);
    for (double p : new double[] {0, 0.5, 25, 50, 99.5, 100}) {
      double rank = p / 100 * (v.length - 1);
      int lo = (int) Math.floor(rank);
      int hi = Math.min(lo + 1, v.length - 1);
      double expected = sorted[lo] + (rank - lo) * (sorted[hi] - sorted[lo]);
      assertThat(Percentiles.of(v, p)[0]).as("p%s", p).isEqualTo(expected);
    }
  }
}
