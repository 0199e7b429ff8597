package io.distillery.trainer.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TrainingSetMemoryTest {

  @Test
  void theEstimateIsWhatAPreparedCaseHoldsWithFeatureMapsAsHalves() {
    int[] shape = {16, 32, 32};
    int voxels = 16 * 32 * 32;
    PreparedCase c =
        new PreparedCase(
            "v",
            "CT",
            new float[voxels],
            new short[voxels],
            new int[0],
            new float[4 * voxels],
            4,
            new short[12 * voxels],
            new int[] {8, 4},
            shape,
            new double[] {4, 4, 4});
    // image 4 + soft labels 4·4 + labels 2 + features 12·2 bytes per voxel
    assertThat(TrainingSetMemory.caseBytes(voxels, 4, 12)).isEqualTo(voxels * (4L + 16 + 2 + 24));
    assertThat(c.heapBytes()).isEqualTo(TrainingSetMemory.caseBytes(voxels, 4, 12));
    assertThat(TrainingSetMemory.featureBytes(voxels, 12)).isEqualTo(voxels * 24L);
  }

  @Test
  void aSetLargerThanTheUsableHeapIsRefusedWithTheNumbers() {
    long needed = TrainingSetMemory.MARGIN_BYTES + (40L << 20);
    assertThatThrownBy(() -> TrainingSetMemory.require(needed, 3, 256L << 20))
        .isInstanceOf(TrainingException.class)
        .hasMessageContaining("3 cases")
        .hasMessageContaining("needs about 136 MiB")
        .hasMessageContaining("allows 128 MiB for it (half of -Xmx 256 MiB)");
    TrainingSetMemory.require(needed, 3, 1L << 30);
  }
}
