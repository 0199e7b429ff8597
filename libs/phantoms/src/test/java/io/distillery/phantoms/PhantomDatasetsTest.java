package io.distillery.phantoms;

import static org.assertj.core.api.Assertions.assertThat;

import io.distillery.volumeio.LabelVolume;
import io.distillery.volumeio.Volume;
import io.distillery.volumeio.dataset.DatasetCase;
import io.distillery.volumeio.dataset.DatasetFolder;
import io.distillery.volumeio.nifti.NiftiReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PhantomDatasetsTest {

  private static final PhantomSpec SMALL = PhantomSpec.defaults().withGrid(64, 64, 40, 6, 6, 6);

  @Test
  void suiteFoldersReadBackThroughDatasetFolder(@TempDir Path dir) throws IOException {
    List<Path> folders = PhantomDatasets.writeSuite(dir, SMALL, 2);
    assertThat(folders)
        .extracting(p -> p.getFileName().toString())
        .containsExactly(
            "phantom-liver",
            "phantom-spleen",
            "phantom-kidney",
            "phantom-pancreas",
            "phantom-unlabeled",
            "phantom-multiorgan-val");
    NiftiReader reader = NiftiReader.withDefaults();

    DatasetFolder kidney = DatasetFolder.open(dir.resolve("phantom-kidney"));
    assertThat(kidney.labelNames()).isEqualTo(Map.of(0, "background", 1, "kidney"));
    assertThat(kidney.cases()).hasSize(2);
    DatasetCase.Loaded k = kidney.cases().get(0).read(reader);
    Phantom expected =
        AbdominalPhantom.generate(
            3000,
            SMALL.withLabelMap(LabelMap.binary("kidney", Organ.RIGHT_KIDNEY, Organ.LEFT_KIDNEY)));
    assertThat(kidney.cases().get(0).id()).isEqualTo("phantom_3000");
    assertThat(k.labels().orElseThrow().data()).isEqualTo(expected.labels().data());
    assertThat(k.labels().orElseThrow().maxLabel()).isEqualTo(1);
    assertSameImageWithinRounding(k.image(), expected.image());

    DatasetFolder pool = DatasetFolder.open(dir.resolve("phantom-unlabeled"));
    assertThat(pool.cases()).hasSize(2).allSatisfy(c -> assertThat(c.label()).isEmpty());

    DatasetFolder val = DatasetFolder.open(dir.resolve("phantom-multiorgan-val"));
    assertThat(val.labelNames())
        .isEqualTo(Map.of(0, "background", 1, "liver", 2, "spleen", 3, "kidney", 4, "pancreas"));
    LabelVolume labels = val.cases().get(1).read(reader).labels().orElseThrow();
    assertThat(labels.maxLabel()).isEqualTo(4);

    // No seed (patient) appears in two folders.
    assertThat(
            folders.stream()
                .flatMap(f -> open(f).cases().stream())
                .map(DatasetCase::id)
                .distinct()
                .count())
        .isEqualTo(12);
  }

  @Test
  void fourOrganConventionLabelsKidneysBySide(@TempDir Path dir) throws IOException {
    PhantomSpec spec = SMALL.withLabelMap(LabelMap.ctMrFourOrgan());
    PhantomDatasets.write(dir.resolve("four"), spec, 5, 1, true);
    DatasetFolder d = DatasetFolder.open(dir.resolve("four"));
    assertThat(d.labelNames())
        .isEqualTo(
            Map.of(0, "background", 1, "liver", 2, "right_kidney", 3, "left_kidney", 4, "spleen"));
    LabelVolume l = d.cases().get(0).read(NiftiReader.withDefaults()).labels().orElseThrow();
    // Right kidney (2) at +x (patient's right in RAS+), left kidney (3) at −x; pancreas unlabelled.
    double[] right = meanX(l, 2);
    double[] left = meanX(l, 3);
    assertThat(right[0]).isPositive();
    assertThat(left[0]).isNegative();
    assertThat(l.maxLabel()).isEqualTo(4);
  }

  private static double[] meanX(LabelVolume l, int value) {
    double sum = 0;
    long n = 0;
    for (int k = 0; k < l.grid().nz(); k++) {
      for (int j = 0; j < l.grid().ny(); j++) {
        for (int i = 0; i < l.grid().nx(); i++) {
          if (l.get(i, j, k) == value) {
            sum += l.grid().affine().apply(i, j, k)[0];
            n++;
          }
        }
      }
    }
    assertThat(n).isPositive();
    return new double[] {sum / n};
  }

  private static DatasetFolder open(Path p) {
    try {
      return DatasetFolder.open(p);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static void assertSameImageWithinRounding(Volume read, Volume expected) {
    assertThat(read.grid().matches(expected.grid(), 1e-6)).isTrue();
    float[] a = read.data();
    float[] b = expected.data();
    for (int i = 0; i < a.length; i++) {
      assertThat(Math.abs(a[i] - b[i])).isLessThanOrEqualTo(0.5f);
    }
  }
}
