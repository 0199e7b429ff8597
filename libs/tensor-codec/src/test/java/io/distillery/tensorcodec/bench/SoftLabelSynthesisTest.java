package io.distillery.tensorcodec.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.distillery.tensorcodec.bench.SoftLabelSynthesis.LabelVolume;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The benchmark's synthetic teacher must rest on a correct distance transform. */
class SoftLabelSynthesisTest {

  @Test
  void signedDistanceMatchesBruteForceWithAnisotropicSpacing() {
    int nx = 7;
    int ny = 5;
    int nz = 4;
    double[] spacing = {1.2, 0.8, 3.0};
    byte[] voxels = new byte[nx * ny * nz];
    SplittableRandom random = new SplittableRandom(1);
    for (int i = 0; i < voxels.length; i++) {
      voxels[i] = (byte) (random.nextInt(5) == 0 ? 1 : 0);
    }
    LabelVolume label = new LabelVolume(nx, ny, nz, spacing, voxels);
    float[] sd = SoftLabelSynthesis.signedDistance(label);
    for (int i = 0; i < voxels.length; i++) {
      double best = Double.POSITIVE_INFINITY;
      for (int j = 0; j < voxels.length; j++) {
        if (voxels[j] != voxels[i]) {
          double dx = (i % nx - j % nx) * spacing[0];
          double dy = ((i / nx) % ny - (j / nx) % ny) * spacing[1];
          double dz = (i / (nx * ny) - j / (nx * ny)) * spacing[2];
          best = Math.min(best, Math.sqrt(dx * dx + dy * dy + dz * dz));
        }
      }
      double expected = voxels[i] != 0 ? -best : best;
      assertThat((double) sd[i]).as("voxel %d", i).isCloseTo(expected, within(1e-4));
    }
  }

  @Test
  void probabilitiesFollowTheSigmoidOfTheDistance() {
    float[] p = SoftLabelSynthesis.probabilities(new float[] {-3f, 0f, 3f}, 1.5, 0, 1);
    assertThat((double) p[0]).isCloseTo(1 / (1 + Math.exp(-2)), within(1e-6));
    assertThat(p[1]).isEqualTo(0.5f);
    assertThat((double) p[2]).isCloseTo(1 / (1 + Math.exp(2)), within(1e-6));
  }
}
