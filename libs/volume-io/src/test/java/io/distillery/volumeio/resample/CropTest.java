package io.distillery.volumeio.resample;

import static org.assertj.core.api.Assertions.assertThat;

import io.distillery.volumeio.Affine;
import io.distillery.volumeio.Grid;
import io.distillery.volumeio.LabelVolume;
import io.distillery.volumeio.Volume;
import org.junit.jupiter.api.Test;

class CropTest {
  private static final Affine A = Affine.diagonal(-2, 3, 1, 100, 200, 300);

  @Test
  void cropWithPaddingOutsideTheVolume() {
    Grid g = new Grid(4, 4, 1, A);
    float[] d = new float[16];
    for (int i = 0; i < 16; i++) {
      d[i] = i;
    }
    BoundingBox box = new BoundingBox(new int[] {-1, 1, 0}, new int[] {2, 3, 1});

    Volume c = Crop.toBox(Volume.of(g, d), box, -5f);

    // rows y = 1, 2 of x = -1..1: (-5, 4, 5) and (-5, 8, 9)
    assertThat(c.data()).containsExactly(-5, 4, 5, -5, 8, 9);
    // origin moves to voxel (-1, 1, 0): (100 + 2, 200 + 3, 300)
    assertThat(c.grid().affine()).isEqualTo(Affine.diagonal(-2, 3, 1, 102, 203, 300));
  }

  @Test
  void centreCropAndPad() {
    Grid g = new Grid(4, 1, 1, A);
    Volume v = Volume.of(g, new float[] {1, 2, 3, 4});

    assertThat(Crop.centre(v, 0f, 2, 1, 1).data()).containsExactly(2, 3);
    assertThat(Crop.centre(v, 0f, 7, 1, 1).data()).containsExactly(0, 1, 2, 3, 4, 0, 0);
  }

  @Test
  void foregroundBoxWithMarginIsClippedToTheVolume() {
    Grid g = new Grid(5, 5, 5, A);
    short[] l = new short[125];
    l[g.index(2, 1, 3)] = 1;
    l[g.index(3, 2, 3)] = 2;
    LabelVolume labels = LabelVolume.of(g, l);
    float[] d = new float[125];
    for (int i = 0; i < d.length; i++) {
      d[i] = i;
    }

    BoundingBox box = BoundingBox.ofForeground(labels).orElseThrow();
    Volume cropped = Crop.toForeground(Volume.of(g, d), labels, 1);
    LabelVolume croppedLabels = Crop.toForeground(labels, 3);

    assertThat(box).isEqualTo(new BoundingBox(new int[] {2, 1, 3}, new int[] {4, 3, 4}));
    assertThat(cropped.grid().shape()).containsExactly(4, 4, 3);
    assertThat(cropped.get(0, 0, 0)).isEqualTo(g.index(1, 0, 2));
    assertThat(croppedLabels.grid().shape()).containsExactly(5, 5, 5);
    assertThat(BoundingBox.ofForeground(LabelVolume.of(g, new short[125]))).isEmpty();
  }

  @Test
  void thresholdBoxAndMillimetreMargin() {
    Grid g = new Grid(6, 1, 1, Affine.diagonal(2, 1, 1, 0, 0, 0));
    Volume v = Volume.of(g, new float[] {-1000, -1000, 40, 60, -1000, -1000});

    BoundingBox body = BoundingBox.ofThreshold(v, -500f).orElseThrow();

    assertThat(body).isEqualTo(new BoundingBox(new int[] {2, 0, 0}, new int[] {4, 1, 1}));
    // 3 mm at 2 mm spacing rounds up to 2 voxels along x, 3 voxels along y and z
    assertThat(body.expandMm(g, 3))
        .isEqualTo(new BoundingBox(new int[] {0, -3, -3}, new int[] {6, 4, 4}));
  }
}
