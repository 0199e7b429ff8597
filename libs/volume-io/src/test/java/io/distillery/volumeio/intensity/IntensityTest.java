package io.distillery.volumeio.intensity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.distillery.volumeio.Affine;
import io.distillery.volumeio.Grid;
import io.distillery.volumeio.GridMismatchException;
import io.distillery.volumeio.LabelVolume;
import io.distillery.volumeio.Volume;
import org.junit.jupiter.api.Test;

class IntensityTest {
  private static Volume line(float... v) {
    return Volume.of(new Grid(v.length, 1, 1, Affine.diagonal(1, 1, 1, 0, 0, 0)), v);
  }

  @Test
  void ctWindowClipsAndScales() {
    Volume v = line(-200, -100, 0, 50, 100, 300);
    assertThat(Intensity.window(v, -100, 100).data()).containsExactly(0, 0, 0.5f, 0.75f, 1, 1);
    assertThat(Intensity.window(v, -100, 100, -1, 1).data()).containsExactly(-1, -1, 0, 0.5f, 1, 1);
    assertThat(Intensity.clip(v, -150, 60).data()).containsExactly(-150, -100, 0, 50, 60, 60);
    // A model card's ct-window: clip, then (c − mean) / std.
    assertThat(Intensity.clipAndStandardise(v, -100, 100, 50, 25).data())
        .containsExactly(-6, -6, -2, 0, 2, 2);
    assertThat(v.data()[0]).isEqualTo(-200); // input untouched
  }

  @Test
  void zScoreOverAllVoxels() {
    // mean 2.5, population std sqrt(1.25)
    float[] z = Intensity.zScore(line(1, 2, 3, 4)).data();
    double s = Math.sqrt(1.25);
    assertThat(z[0]).isCloseTo((float) (-1.5 / s), within(1e-6f));
    assertThat(z[3]).isCloseTo((float) (1.5 / s), within(1e-6f));
  }

  @Test
  void zScoreWithinTheForegroundMaskZeroesTheRest() {
    Volume v = line(1, 2, 3, 100);
    LabelVolume mask = LabelVolume.of(v.grid(), new short[] {1, 1, 1, 0});

    float[] z = Intensity.zScore(v, mask).data();

    // mask statistics: mean 2, std sqrt(2/3)
    double s = Math.sqrt(2.0 / 3.0);
    assertThat(z[0]).isCloseTo((float) (-1 / s), within(1e-6f));
    assertThat(z[1]).isZero();
    assertThat(z[2]).isCloseTo((float) (1 / s), within(1e-6f));
    assertThat(z[3]).isZero();
  }

  @Test
  void constantVolumeAndEmptyOrMisplacedMask() {
    assertThat(Intensity.zScore(line(7, 7, 7)).data()).containsExactly(0, 0, 0);
    Volume v = line(1, 2);
    assertThatThrownBy(() -> Intensity.zScore(v, LabelVolume.of(v.grid(), new short[2])))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("empty");
    LabelVolume other =
        LabelVolume.of(new Grid(2, 1, 1, Affine.diagonal(2, 1, 1, 0, 0, 0)), new short[] {1, 1});
    assertThatThrownBy(() -> Intensity.zScore(v, other)).isInstanceOf(GridMismatchException.class);
  }

  @Test
  void percentileClippingUsesLinearInterpolation() {
    // 1..10: the 10th percentile is at rank 0.9 → 1.9, the 90th at rank 8.1 → 9.1
    Volume v = line(10, 1, 9, 2, 8, 3, 7, 4, 6, 5);
    float[] c = Intensity.clipPercentiles(v, 10, 90).data();
    assertThat(c[0]).isCloseTo(9.1f, within(1e-5f));
    assertThat(c[1]).isCloseTo(1.9f, within(1e-5f));
    assertThat(c[2]).isEqualTo(9f);
  }
}
