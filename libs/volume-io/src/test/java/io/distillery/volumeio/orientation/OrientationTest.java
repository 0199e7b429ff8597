package io.distillery.volumeio.orientation;

import static org.assertj.core.api.Assertions.assertThat;

import io.distillery.volumeio.Affine;
import io.distillery.volumeio.Grid;
import io.distillery.volumeio.LabelVolume;
import io.distillery.volumeio.Volume;
import org.junit.jupiter.api.Test;

class OrientationTest {

  private static float[] coded(Grid g) {
    // value = x + 10 y + 100 z, so every voxel's origin can be read off its value
    float[] d = new float[g.size()];
    for (int z = 0; z < g.nz(); z++) {
      for (int y = 0; y < g.ny(); y++) {
        for (int x = 0; x < g.nx(); x++) {
          d[g.index(x, y, z)] = x + 10 * y + 100 * z;
        }
      }
    }
    return d;
  }

  @Test
  void lasBecomesRasByFlippingX() {
    Grid g = new Grid(2, 2, 2, Affine.diagonal(-1, 1, 2, 10, 20, 30));
    Volume las = Volume.of(g, coded(g));

    Volume ras = Orientation.canonical(las);

    assertThat(Orientation.axcodes(g)).isEqualTo("LAS");
    assertThat(Orientation.axcodes(ras.grid())).isEqualTo("RAS");
    assertThat(ras.data()).containsExactly(1, 0, 11, 10, 101, 100, 111, 110);
    // New voxel 0 is old voxel (1,0,0), at x = 10 - 1 = 9.
    assertThat(ras.grid().affine()).isEqualTo(Affine.diagonal(1, 1, 2, 9, 20, 30));
  }

  @Test
  void permutedAndFlippedAxesAreResolved() {
    // voxel i → −y (P), j → +z (S), k → −x (L): "PSL"
    Affine psl = Affine.of3x4(0, 0, -3, 100, -1, 0, 0, 50, 0, 2, 0, -10);
    Grid g = new Grid(2, 3, 4, psl);
    Volume v = Volume.of(g, coded(g));

    AxisTransform t = Orientation.toCanonical(g);
    Volume ras = t.apply(v);

    assertThat(Orientation.axcodes(g)).isEqualTo("PSL");
    assertThat(t.perm()).containsExactly(2, 0, 1);
    assertThat(t.flip()).containsExactly(true, true, false);
    assertThat(ras.grid().shape()).containsExactly(4, 2, 3);
    assertThat(Orientation.axcodes(ras.grid())).isEqualTo("RAS");
    // new (a, b, c) = old (x = 1 − b, y = c, z = 3 − a)
    assertThat(ras.get(0, 0, 0)).isEqualTo(1 + 0 + 300);
    assertThat(ras.get(3, 1, 2)).isEqualTo(0 + 20 + 0);
    assertThat(ras.get(1, 0, 1)).isEqualTo(1 + 10 + 200);
    // Every voxel keeps its world position.
    for (int c = 0; c < 3; c++) {
      for (int b = 0; b < 2; b++) {
        for (int a = 0; a < 4; a++) {
          double[] w = ras.grid().affine().apply(a, b, c);
          double[] w0 = psl.apply(1 - b, c, 3 - a);
          assertThat(w).containsExactly(w0);
        }
      }
    }
    assertThat(ras.grid().affine()).isEqualTo(Affine.of3x4(3, 0, 0, 91, 0, 1, 0, 49, 0, 0, 2, -10));
  }

  @Test
  void thereAndBackIsExactForImagesAndLabels() {
    Affine oblique = Affine.of3x4(-0.8f, 0, 0.6f, 12.3f, 0, -1.1f, 0, -7.7f, 0.6f, 0, 0.8f, 4.4f);
    Grid g = new Grid(5, 4, 3, oblique);
    Volume v = Volume.of(g, coded(g));
    short[] l = new short[g.size()];
    for (int i = 0; i < l.length; i++) {
      l[i] = (short) (i % 5);
    }
    LabelVolume labels = LabelVolume.of(g, l);

    AxisTransform t = Orientation.toCanonical(g);
    Volume back = t.inverse().apply(t.apply(v));
    LabelVolume labelsBack = t.inverse().apply(t.apply(labels));

    assertThat(Orientation.axcodes(g)).isEqualTo("LPS");
    assertThat(back.grid().affine()).isEqualTo(oblique);
    assertThat(back.data()).containsExactly(v.data());
    assertThat(labelsBack.data()).containsExactly(l);
  }

  @Test
  void anyTargetOrderCanBeReached() {
    Grid g = new Grid(2, 3, 4, Affine.diagonal(1, 1, 1, 0, 0, 0));
    Volume v = Volume.of(g, coded(g));

    Volume lps = Orientation.transformTo(g, "LPS").apply(v);
    Volume sal = Orientation.transformTo(g, "SAL").apply(v);

    assertThat(Orientation.axcodes(lps.grid())).isEqualTo("LPS");
    assertThat(lps.get(0, 0, 0)).isEqualTo(1 + 20);
    assertThat(Orientation.axcodes(sal.grid())).isEqualTo("SAL");
    assertThat(sal.grid().shape()).containsExactly(4, 3, 2);
    assertThat(sal.get(2, 1, 0)).isEqualTo(1 + 10 + 200);
    assertThat(Orientation.transformTo(g, "RAS").isIdentity()).isTrue();
  }
}
