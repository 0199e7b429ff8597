package io.distillery.segml.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class MetricsTest {

  @Test
  void dicePerClassWithEmptyConventions() {
    // class 1: |P|=3, |G|=2, overlap 2 → 0.8; class 2: only in P → 0; class 3: nowhere → 1.
    int[] pred = {0, 1, 1, 1, 2, 0};
    int[] ref = {0, 1, 1, 0, 0, 0};
    ClassScores dice = DiceMetric.compute(pred, ref, 4);
    assertThat(dice.perClass()).containsExactly(Double.NaN, 0.8, 0.0, 1.0);
    assertThat(dice.mean()).isCloseTo(0.6, within(1e-12));
    assertThat(dice.nanCount()).isZero();
  }

  @Test
  void distanceTransformMatchesBruteForceWithAnisotropicSpacing() {
    int d = 7;
    int h = 9;
    int w = 11;
    double[] spacing = {2.5, 0.7, 1.3};
    Random random = new Random(3);
    boolean[] feature = new boolean[d * h * w];
    for (int i = 0; i < feature.length; i++) {
      feature[i] = random.nextDouble() < 0.03;
    }
    double[] edt = EuclideanDistanceTransform.squaredDistances(feature, d, h, w, spacing);
    for (int i = 0; i < feature.length; i++) {
      double best = Double.POSITIVE_INFINITY;
      for (int j = 0; j < feature.length; j++) {
        if (feature[j]) {
          double dz = (i / (h * w) - j / (h * w)) * spacing[0];
          double dy = ((i / w) % h - (j / w) % h) * spacing[1];
          double dx = (i % w - j % w) * spacing[2];
          best = Math.min(best, dz * dz + dy * dy + dx * dx);
        }
      }
      assertThat(edt[i]).as("voxel %d", i).isCloseTo(best, within(1e-9));
    }
  }

  @Test
  void distanceTransformWithoutFeaturesIsInfinite() {
    double[] edt =
        EuclideanDistanceTransform.squaredDistances(
            new boolean[8], 2, 2, 2, new double[] {1, 1, 1});
    assertThat(edt).containsOnly(Double.POSITIVE_INFINITY);
  }

  /** A 3×3×3 cube at depth 0..2 (prediction) and 1..3 (reference) in a 5×5×5 grid. */
  private static int[][] shiftedCubes() {
    int[] pred = new int[125];
    int[] ref = new int[125];
    for (int z = 0; z < 5; z++) {
      for (int y = 1; y < 4; y++) {
        for (int x = 1; x < 4; x++) {
          int i = (z * 5 + y) * 5 + x;
          pred[i] = z <= 2 ? 1 : 0;
          ref[i] = z >= 1 && z <= 3 ? 1 : 0;
        }
      }
    }
    return new int[][] {pred, ref};
  }

  @Test
  void hd95AndSurfaceDiceOfShiftedCubesInMillimetres() {
    int[][] cubes = shiftedCubes();
    VoxelGrid grid = new VoxelGrid(5, 5, 5, new double[] {2, 1, 1});
    // ∂P (26 voxels): 9 of its depth-0 face are 2 mm (one slice) from ∂G; the centre of its depth-2
    // face lies inside G, 1 mm in-plane from ∂G; the other 16 are on ∂G. Symmetric for ∂G.
    // P95 of {0×16, 1, 2×9}: rank 23.75 → 2 mm.
    ClassScores hd95 = HausdorffDistance95Metric.compute(cubes[0], cubes[1], 2, grid);
    assertThat(hd95.of(1)).isCloseTo(2.0, within(1e-12));
    ClassScores nsd1 = SurfaceDiceMetric.compute(cubes[0], cubes[1], 2, grid, 1.0);
    assertThat(nsd1.of(1)).isCloseTo(34.0 / 52, within(1e-12));
    ClassScores nsd2 = SurfaceDiceMetric.compute(cubes[0], cubes[1], 2, grid, 2.0);
    assertThat(nsd2.of(1)).isCloseTo(1.0, within(1e-12));
    // With 1 mm slices the far face is 1 mm away: every distance is 0 or 1.
    ClassScores iso =
        HausdorffDistance95Metric.compute(cubes[0], cubes[1], 2, VoxelGrid.unitSpacing(5, 5, 5));
    assertThat(iso.of(1)).isCloseTo(1.0, within(1e-12));
  }

  @Test
  void percentileInterpolatesLinearly() {
    assertThat(HausdorffDistance95Metric.percentile(new double[] {0, 10}, 95))
        .isCloseTo(9.5, within(1e-12));
    assertThat(HausdorffDistance95Metric.percentile(new double[] {3, 1, 2, 4, 0}, 50)).isEqualTo(2);
  }

  @Test
  void emptyMasksFollowMethodsConventions() {
    int[] pred = {0, 1, 1, 0, 0, 0, 0, 0};
    int[] ref = {0, 0, 0, 0, 0, 0, 0, 0};
    VoxelGrid grid = VoxelGrid.unitSpacing(2, 2, 2);
    ClassScores hd = HausdorffDistance95Metric.compute(pred, ref, 3, grid);
    assertThat(hd.of(1)).isNaN();
    assertThat(hd.of(2)).isZero();
    assertThat(hd.nanCount()).isEqualTo(1);
    assertThat(hd.mean()).isZero();
    ClassScores nsd = SurfaceDiceMetric.compute(pred, ref, 3, grid, 1);
    assertThat(nsd.perClass()).containsExactly(Double.NaN, 0.0, 1.0);
  }

  @Test
  void rejectsMismatchedGrid() {
    assertThatThrownBy(
            () ->
                HausdorffDistance95Metric.compute(
                    new int[7], new int[8], 2, VoxelGrid.unitSpacing(2, 2, 2)))
        .isInstanceOf(MetricInputException.class)
        .hasMessageContaining("7 voxels");
  }

  @Test
  void concentricSpheresOnACtSizedGrid() {
    // 150 slices of 257×257 (BTCV size), spacing 3 × 1.5 × 1.5 mm: spheres of radius 60 and 66 mm.
    int d = 150;
    int h = 257;
    int w = 257;
    double[] s = {3, 1.5, 1.5};
    VoxelGrid grid = new VoxelGrid(d, h, w, s);
    int[] pred = new int[grid.size()];
    int[] ref = new int[grid.size()];
    for (int z = 0, i = 0; z < d; z++) {
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++, i++) {
          double r = Math.sqrt(sq((z - 75) * s[0]) + sq((y - 128) * s[1]) + sq((x - 128) * s[2]));
          pred[i] = r <= 60 ? 1 : 0;
          ref[i] = r <= 66 ? 1 : 0;
        }
      }
    }
    long start = System.nanoTime();
    ClassScores hd = HausdorffDistance95Metric.compute(pred, ref, 2, grid);
    long ms = (System.nanoTime() - start) / 1_000_000;
    System.out.printf("HD95 on %s: %.2f mm in %d ms%n", grid, hd.of(1), ms);
    // Radii differ by 6 mm; surface voxels sit up to one voxel diagonal inside each boundary.
    assertThat(hd.of(1)).isBetween(4.0, 8.0);
    assertThat(DiceMetric.compute(pred, ref, 2).of(1))
        .isCloseTo(2 * Math.pow(60, 3) / (Math.pow(60, 3) + Math.pow(66, 3)), within(0.01));
  }

  private static double sq(double v) {
    return v * v;
  }
}
