package io.distillery.trainer.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.distillery.devstack.ServiceSpec;
import io.distillery.volumeio.Grid;
import io.distillery.volumeio.dataset.DatasetCase;
import io.distillery.volumeio.dataset.DatasetFolder;
import io.distillery.volumeio.dataset.SharedData;
import io.distillery.volumeio.nifti.NiftiReader;
import io.distillery.volumeio.orientation.Orientation;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The default demo's MS-KD student with the feature term at BTCV scale (the ms-kd-btcv protocol:
 * btcv-liver, -spleen, -kidney, -pancreas and btcv-unlabeled at 4 mm, four single-organ teachers
 * with 8-channel feature maps, validation on btcv-multiorgan-val) fits in the heap the launcher
 * gives the student-trainer ({@link ServiceSpec#HEAP}) by {@link TrainingSetMemory}'s estimate. The
 * training grids come from the real images' headers through {@link TrainingGrid}, as the job
 * computes them from the ingested (canonical, not resampled) volumes. Skips without the shared
 * data.
 */
class BtcvTrainingSetMemoryTest {
  private static final double[] SPACING = {4, 4, 4};
  private static final List<String> TRAINING =
      List.of("btcv-liver", "btcv-spleen", "btcv-kidney", "btcv-pancreas", "btcv-unlabeled");
  private static final int TEACHERS = 4;
  private static final int FEATURES_PER_TEACHER = 8;

  @Test
  void theDemosMsKdSetWithFeatureMapsFitsTheTrainersHeap() throws IOException {
    Optional<Path> validation = SharedData.dataset("btcv-multiorgan-val");
    assumeTrue(validation.isPresent(), SharedData.missingMessage());
    long trainingVoxels = 0;
    int cases = 0;
    long estimate = TrainingSetMemory.MARGIN_BYTES;
    for (String dataset : TRAINING) {
      for (long voxels : trainingGridVoxels(dataset)) {
        trainingVoxels += voxels;
        cases++;
        // FOREGROUND_PER_ORGAN: one soft-label channel per organ (job classes minus background).
        estimate += TrainingSetMemory.caseBytes(voxels, TEACHERS, TEACHERS * FEATURES_PER_TEACHER);
      }
    }
    long validationVoxels = 0;
    for (long voxels : trainingGridVoxels("btcv-multiorgan-val")) {
      validationVoxels += voxels;
      estimate += TrainingSetMemory.caseBytes(voxels, 0, 0);
    }
    long heap = bytes(ServiceSpec.HEAP.get("student-trainer"));
    System.out.printf(
        Locale.ROOT,
        "BTCV ms-kd at 4 mm: %d training cases, %d training-grid voxels (+%d validation);"
            + " estimate %d MiB (feature maps %d MiB) of %d MiB usable%n",
        cases,
        trainingVoxels,
        validationVoxels,
        estimate >> 20,
        TrainingSetMemory.featureBytes(trainingVoxels, TEACHERS * FEATURES_PER_TEACHER) >> 20,
        TrainingSetMemory.usable(heap) >> 20);
    assertThat(cases).isEqualTo(24);
    assertThat(estimate).isLessThanOrEqualTo(TrainingSetMemory.usable(heap));
  }

  /** Each case's training-grid voxel count: its canonical header grid at 4 mm. */
  private static long[] trainingGridVoxels(String dataset) throws IOException {
    Path folder = SharedData.dataset(dataset).orElseThrow();
    NiftiReader reader = NiftiReader.withDefaults();
    List<DatasetCase> cases = DatasetFolder.open(folder).cases();
    long[] voxels = new long[cases.size()];
    for (int i = 0; i < voxels.length; i++) {
      Grid stored = reader.readHeader(cases.get(i).images().get(0)).grid();
      Grid canonical = Orientation.toCanonical(stored).apply(stored);
      voxels[i] = TrainingGrid.of(canonical, SPACING).size();
    }
    return voxels;
  }

  /** A {@code -Xmx} size such as {@code 6g} or {@code 768m}, in bytes. */
  private static long bytes(String size) {
    long n = Long.parseLong(size.substring(0, size.length() - 1));
    return switch (Character.toLowerCase(size.charAt(size.length() - 1))) {
      case 'g' -> n << 30;
      case 'm' -> n << 20;
      default -> throw new IllegalArgumentException("unknown heap size " + size);
    };
  }
}
