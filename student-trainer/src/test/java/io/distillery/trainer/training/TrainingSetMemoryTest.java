package io.distillery.trainer.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class TrainingSetMemoryTest {

  private static PreparedCase withSoftLabels(int softChannels) {
    int[] shape = {16, 32, 32};
    int voxels = 16 * 32 * 32;
    return new PreparedCase(
        "v",
        "CT",
        new float[voxels],
        null,
        new int[0],
        new float[voxels * softChannels],
        softChannels,
        shape,
        new double[] {4, 4, 4});
  }

  @Test
  void countsThePreparedCasesAndThePackedCopy() {
    SampleGroup group =
        new SampleGroup("unlabelled", List.of(withSoftLabels(4), withSoftLabels(4)), new int[0], 0);
    long perCase = 16L * 32 * 32 * 5 * Float.BYTES * 2;
    assertThat(TrainingSetMemory.bytesNeeded(List.of(group)))
        .isEqualTo(TrainingSetMemory.MARGIN_BYTES + 2 * perCase);
  }

  @Test
  void aSetLargerThanTheHeapIsRefusedWithTheNumbers() {
    SampleGroup group = new SampleGroup("unlabelled", List.of(withSoftLabels(4)), new int[0], 0);
    assertThatThrownBy(() -> TrainingSetMemory.require(List.of(group), 64L << 20))
        .isInstanceOf(TrainingException.class)
        .hasMessageContaining("1 cases")
        .hasMessageContaining("allows 32 MiB for it (half of -Xmx 64 MiB)");
    TrainingSetMemory.require(List.of(group), 1L << 30);
  }
}
