package io.distillery.volumeio.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import io.distillery.volumeio.LabelVolume;
import io.distillery.volumeio.Volume;
import io.distillery.volumeio.nifti.NiftiReader;
import io.distillery.volumeio.orientation.AxisTransform;
import io.distillery.volumeio.orientation.Orientation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Loads every NIfTI volume of the shared evaluation data (../shared/data) through the dataset
 * folders and checks orientation, intensities and grids against what the data README states.
 */
class SharedDataVolumesTest {

  @Test
  void everySharedVolumeLoadsWithTheDocumentedGeometryAndIntensities() throws IOException {
    Path root = SharedData.root().orElse(null);
    Assumptions.assumeTrue(root != null, SharedData.missingMessage());
    NiftiReader reader = NiftiReader.withDefaults();
    Set<Path> loaded = new HashSet<>();
    int folders = 0;
    List<Path> dirs;
    try (Stream<Path> s = Files.list(root)) {
      dirs = s.filter(p -> Files.isRegularFile(p.resolve("dataset.json"))).sorted().toList();
    }
    for (Path dir : dirs) {
      folders++;
      String name = dir.getFileName().toString();
      DatasetFolder folder = DatasetFolder.open(dir);
      assertThat(folder.cases()).as(name).isNotEmpty();
      for (DatasetCase c : folder.cases()) {
        // read() throws GridMismatchException unless image and label share one grid.
        DatasetCase.Loaded l = c.read(reader);
        Volume image = l.image();
        String where = name + "/" + c.id();
        loaded.addAll(c.images());
        c.label().ifPresent(loaded::add);
        String codes = Orientation.axcodes(image.grid());
        if (name.startsWith("btcv") || name.startsWith("chaos")) {
          assertThat(codes).as(where).isEqualTo("LAS");
        }
        if (name.startsWith("btcv")) {
          float[] minMax = minMax(image.data());
          // 8-bit window [-125, 275] HU mapped back by scl_slope = 400/255, scl_inter = -125
          assertThat(minMax[0]).as(where + " min HU").isBetween(-125.01f, 275.01f);
          assertThat(minMax[1]).as(where + " max HU").isBetween(-125.01f, 275.01f);
          assertThat(minMax[1] - minMax[0]).as(where + " HU range").isGreaterThan(200f);
        }
        if (c.id().equals("example_ct_sm")) {
          assertThat(codes).as(where).isEqualTo("RAS");
        }
        if (c.id().equals("example_mr_sm")) {
          assertThat(codes).as(where).isEqualTo("LPS");
        }
        if (c == folder.cases().get(0)) {
          // To canonical RAS and back: voxels and affine come back exactly.
          AxisTransform t = Orientation.toCanonical(image.grid());
          Volume ras = t.apply(image);
          Volume back = t.inverse().apply(ras);
          assertThat(Orientation.axcodes(ras.grid())).as(where).isEqualTo("RAS");
          assertThat(back.grid().affine()).as(where).isEqualTo(image.grid().affine());
          assertThat(back.data()).as(where).isEqualTo(image.data());
        }
        if (l.labels().isPresent()) {
          LabelVolume labels = l.labels().get();
          Set<Integer> present = new HashSet<>();
          for (int i = 0; i < labels.data().length; i++) {
            present.add(labels.label(i));
          }
          assertThat(labels.names().keySet()).as(where + " label values").containsAll(present);
          assertThat(present).as(where + " has foreground").anyMatch(v -> v > 0);
        }
      }
    }
    Set<Path> onDisk;
    try (Stream<Path> s = Files.walk(root)) {
      onDisk =
          s.filter(p -> p.getFileName().toString().matches(".*\\.nii(\\.gz)?$"))
              .collect(Collectors.toSet());
    }
    assertThat(folders).isEqualTo(9);
    assertThat(loaded).containsExactlyInAnyOrderElementsOf(onDisk);
  }

  private static float[] minMax(float[] d) {
    float lo = Float.POSITIVE_INFINITY;
    float hi = Float.NEGATIVE_INFINITY;
    for (float v : d) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    return new float[] {lo, hi};
  }
}
