package io.distillery.volumeio.resample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.distillery.volumeio.Affine;
import io.distillery.volumeio.Grid;
import io.distillery.volumeio.LabelVolume;
import io.distillery.volumeio.Volume;
import org.junit.jupiter.api.Test;

class ResamplerTest {

  @Test
  void upsamplingTwoVoxelsToFourInterpolatesAndClampsAtTheBorder() {
    Volume v = Volume.of(new Grid(2, 1, 1, Affine.diagonal(1, 1, 1, 0, 0, 0)), new float[] {0, 10});

    Volume up = Resampler.toShape(v, 4, 1, 1);

    // Target centres at source indices -0.25, 0.25, 0.75, 1.25 (same field of view); clamped to [0,
    // 1].
    assertThat(up.data()).containsExactly(0f, 2.5f, 7.5f, 10f);
    assertThat(up.grid().affine()).isEqualTo(Affine.diagonal(0.5, 1, 1, -0.25, 0, 0));
  }

  @Test
  void trilinearReproducesALinearFieldAtHandComputedPoints() {
    Grid g = new Grid(3, 3, 3, Affine.diagonal(2, 2, 2, 0, 0, 0));
    float[] d = new float[27];
    for (int z = 0; z < 3; z++) {
      for (int y = 0; y < 3; y++) {
        for (int x = 0; x < 3; x++) {
          d[g.index(x, y, z)] = x + 10 * y + 100 * z;
        }
      }
    }

    Volume r = Resampler.toSpacing(Volume.of(g, d), 1, 1, 1);

    assertThat(r.grid().shape()).containsExactly(6, 6, 6);
    assertThat(r.grid().spacing()).containsExactly(1.0, 1.0, 1.0);
    // target (1,2,3) → source (0.25, 0.75, 1.25): 0.25 + 7.5 + 125
    assertThat(r.get(1, 2, 3)).isCloseTo(132.75f, within(1e-4f));
    // target (0,5,2) → source (-0.25 → 0, 2.25 → 2, 0.75)
    assertThat(r.get(0, 5, 2)).isCloseTo(0 + 20 + 75f, within(1e-4f));
  }

  @Test
  void downsamplingToAnAlignedGridCopiesValuesExactly() {
    Grid g = new Grid(5, 1, 1, Affine.diagonal(1, 1, 1, 3, 0, 0));
    Volume v = Volume.of(g, new float[] {1.1f, 2.2f, 3.3f, 4.4f, 5.5f});

    Volume r = Resampler.toSpacing(v, 2, 1, 1);

    // m = round(5 · 1 / 2) = 3, centred: samples at source 0, 2, 4
    assertThat(r.data()).containsExactly(1.1f, 3.3f, 5.5f);
    assertThat(r.grid().affine()).isEqualTo(Affine.diagonal(2, 1, 1, 3, 0, 0));
  }

  @Test
  void labelsUseNearestNeighbour() {
    LabelVolume l =
        LabelVolume.of(
            new Grid(4, 1, 1, Affine.diagonal(1, 1, 1, 0, 0, 0)), new short[] {1, 2, 3, 4});

    LabelVolume down = Resampler.toShape(l, 2, 1, 1);
    LabelVolume up = Resampler.toShape(l, 8, 1, 1);

    // down: source 0.5 and 2.5 round half up → 1 and 3
    assertThat(down.data()).containsExactly((short) 2, (short) 4);
    // up: source -0.25, 0.25, 0.75, 1.25, ... → 0, 0, 1, 1, 2, 2, 3, 3
    assertThat(up.data()).containsExactly(new short[] {1, 1, 2, 2, 3, 3, 4, 4});
  }

  @Test
  void resamplingOntoTheSameGridIsTheIdentity() {
    Grid g = new Grid(3, 2, 2, Affine.of3x4(0, 0, 1.5, 1, -0.7, 0, 0, 2, 0, 1.2, 0, 3));
    float[] d = {3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8};

    assertThat(Resampler.toGrid(Volume.of(g, d), g).data()).containsExactly(d);
  }

  @Test
  void resamplingBackToTheOriginalGridRestoresLabels() {
    Grid g = new Grid(6, 4, 2, Affine.diagonal(-1, 1, 3, 0, 0, 0));
    short[] l = new short[g.size()];
    for (int i = 0; i < l.length; i++) {
      l[i] = (short) ((i / 2) % 3);
    }
    LabelVolume labels = LabelVolume.of(g, l);

    LabelVolume fine = Resampler.toSpacing(labels, 0.5, 0.5, 1.5);
    LabelVolume back = Resampler.toGrid(fine, g);

    assertThat(back.data()).containsExactly(l);
  }
}
