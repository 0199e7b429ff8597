package io.distillery.segml.transforms;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class LateralMirrorTest {

  @Test
  void pairsRightAndLeftClassesWhateverTheirSpelling() {
    LateralMirror m =
        LateralMirror.of(
            List.of(
                "background", "liver", "Right_Kidney", "left_kidney", "lung_left", "lung_right"));
    assertThat(m.lateralised()).isTrue();
    assertThat(m.apply((short) 0)).isEqualTo((short) 0);
    assertThat(m.apply((short) 1)).isEqualTo((short) 1);
    assertThat(m.apply((short) 2)).isEqualTo((short) 3);
    assertThat(m.apply((short) 3)).isEqualTo((short) 2);
    assertThat(m.apply((short) 4)).isEqualTo((short) 5);
    assertThat(m.apply((short) 5)).isEqualTo((short) 4);
  }

  @Test
  void aSideWithoutItsPartnerStaysAndUnpairedClassesAreNotLateralised() {
    assertThat(LateralMirror.of(List.of("background", "right_kidney", "spleen")).lateralised())
        .isFalse();
    assertThat(LateralMirror.of(List.of("background", "kidney")).lateralised()).isFalse();
  }

  @Test
  void anXFlipSwapsTheSidesOfTheLabelsAndForbiddingKeepsXUnflipped() {
    // A 1×1×5 volume: right kidney (1) on the low-x side, left kidney (2) on the high-x side.
    short[] labels = {1, 1, 0, 2, 2};
    float[] image = {10, 11, 12, 13, 14};
    TrainingCase c =
        new TrainingCase(List.of(ChannelBlock.floats(image, 1)), labels, new int[] {1, 1, 5});
    Augmentation flipAll = new Augmentation(1, 0, 0, 0, 0, 0);
    LateralMirror kidneys = LateralMirror.of(List.of("background", "right_kidney", "left_kidney"));

    Patch mirrored =
        new PatchSampler(List.of(c), new int[] {1, 1, 5}, 0, flipAll, 1, kidneys).next();
    // The image is mirrored, and the class now on the low-x side is the right kidney again.
    assertThat(mirrored.image()).containsExactly(14, 13, 12, 11, 10);
    assertThat(mirrored.labels())
        .containsExactly((short) 1, (short) 1, (short) 0, (short) 2, (short) 2);

    Patch kept =
        new PatchSampler(List.of(c), new int[] {1, 1, 5}, 0, flipAll, 1, kidneys.forbidding())
            .next();
    assertThat(kept.image()).containsExactly(10, 11, 12, 13, 14);
    assertThat(kept.labels())
        .containsExactly((short) 1, (short) 1, (short) 0, (short) 2, (short) 2);
  }
}
