package io.distillery.volumeio.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.distillery.volumeio.Affine;
import io.distillery.volumeio.Grid;
import io.distillery.volumeio.GridMismatchException;
import io.distillery.volumeio.LabelVolume;
import io.distillery.volumeio.Modality;
import io.distillery.volumeio.Volume;
import io.distillery.volumeio.VolumeFormatException;
import io.distillery.volumeio.nifti.NiftiReader;
import io.distillery.volumeio.nifti.NiftiWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetFolderTest {
  @TempDir Path dir;

  private static final Grid GRID = new Grid(4, 3, 2, Affine.diagonal(-1, 1, 2, 0, 0, 0));

  private void image(Path p) throws IOException {
    Files.createDirectories(p.getParent());
    NiftiWriter.write(Volume.of(GRID, new float[GRID.size()]), p);
  }

  private void label(Path p, Grid g) throws IOException {
    Files.createDirectories(p.getParent());
    short[] l = new short[g.size()];
    l[5] = 2;
    NiftiWriter.write(LabelVolume.of(g, l), p);
  }

  @Test
  void nnunetV2LayoutWithChannelsAndDiscoveredCases() throws IOException {
    Files.writeString(
        dir.resolve("dataset.json"),
        """
        {"name": "toy", "channel_names": {"0": "T2", "1": "ADC"},
         "labels": {"background": 0, "liver": 1, "spleen": 2},
         "numTraining": 2, "file_ending": ".nii.gz"}
        """);
    for (String id : new String[] {"b_002", "a_001"}) {
      image(dir.resolve("imagesTr/" + id + "_0000.nii.gz"));
      image(dir.resolve("imagesTr/" + id + "_0001.nii.gz"));
    }
    label(dir.resolve("labelsTr/a_001.nii.gz"), GRID);

    DatasetFolder d = DatasetFolder.open(dir);
    DatasetCase.Loaded a = d.cases().get(0).read(NiftiReader.withDefaults());

    assertThat(d.name()).isEqualTo("toy");
    assertThat(d.cases()).extracting(DatasetCase::id).containsExactly("a_001", "b_002");
    assertThat(d.labelNames()).containsEntry(0, "background").containsEntry(2, "spleen");
    assertThat(d.cases().get(0).modalities()).containsExactly(Modality.MR, Modality.MR);
    assertThat(d.cases().get(1).label()).isEmpty();
    assertThat(a.channels()).hasSize(2);
    assertThat(a.image().modality()).isEqualTo(Modality.MR);
    assertThat(a.labels().orElseThrow().names()).containsEntry(1, "liver");
    assertThat(a.labels().orElseThrow().label(5)).isEqualTo(2);
  }

  @Test
  void explicitCaseListAndMissingFiles() throws IOException {
    Files.writeString(
        dir.resolve("dataset.json"),
        """
        {"channel_names": {"0": "CT"}, "labels": {"background": 0, "liver": 1},
         "file_ending": ".nii.gz", "cases": ["c1", "c2"]}
        """);
    image(dir.resolve("imagesTr/c1_0000.nii.gz"));

    assertThatThrownBy(() -> DatasetFolder.open(dir))
        .isInstanceOf(VolumeFormatException.class)
        .hasMessageContaining("case c2: file missing");
  }

  @Test
  void imageAndLabelOnDifferentGridsAreRejected() throws IOException {
    Files.writeString(
        dir.resolve("dataset.json"),
        """
        {"channel_names": {"0": "CT"}, "labels": {"background": 0, "liver": 1}, "file_ending": ".nii"}
        """);
    image(dir.resolve("imagesTr/x_0000.nii"));
    label(dir.resolve("labelsTr/x.nii"), new Grid(4, 3, 2, Affine.diagonal(-1, 1, 2.5, 0, 0, 0)));

    DatasetCase c = DatasetFolder.open(dir).cases().get(0);

    assertThatThrownBy(() -> c.read(NiftiReader.withDefaults()))
        .isInstanceOf(GridMismatchException.class)
        .hasMessageContaining("case x: label is not on the image grid")
        .hasMessageContaining("affines differ");
  }

  @Test
  void decathlonLayout() throws IOException {
    Files.writeString(
        dir.resolve("dataset.json"),
        """
        {"name": "Task03_Liver", "modality": {"0": "CT"},
         "labels": {"0": "background", "1": "liver", "2": "cancer"},
         "training": [{"image": "./imagesTr/liver_0.nii.gz", "label": "./labelsTr/liver_0.nii.gz"}]}
        """);
    image(dir.resolve("imagesTr/liver_0.nii.gz"));
    label(dir.resolve("labelsTr/liver_0.nii.gz"), GRID);

    DatasetFolder d = DatasetFolder.open(dir);

    assertThat(d.cases()).extracting(DatasetCase::id).containsExactly("liver_0");
    assertThat(d.labelNames()).containsEntry(2, "cancer");
    assertThat(d.cases().get(0).read(NiftiReader.withDefaults()).image().modality())
        .isEqualTo(Modality.CT);
  }

  @Test
  void fileListLayout() throws IOException {
    Files.writeString(
        dir.resolve("dataset.json"),
        """
        {"files": {"ct.nii.gz": {"modality": "CT", "label": "seg.nii.gz", "label_map": {"1": "spleen"}},
                   "dicom_series": {"modality": "CT"}}}
        """);
    image(dir.resolve("ct.nii.gz"));
    label(dir.resolve("seg.nii.gz"), GRID);
    Files.createDirectories(dir.resolve("dicom_series"));

    DatasetFolder d = DatasetFolder.open(dir);

    assertThat(d.cases()).hasSize(1);
    assertThat(d.cases().get(0).id()).isEqualTo("ct");
    assertThat(d.cases().get(0).labelNames())
        .containsEntry(0, "background")
        .containsEntry(1, "spleen");
  }

  @Test
  void malformedDescriptionsAreTypedErrors() throws IOException {
    Files.writeString(dir.resolve("dataset.json"), "{not json");
    assertThatThrownBy(() -> DatasetFolder.open(dir))
        .isInstanceOf(VolumeFormatException.class)
        .hasMessageContaining("invalid JSON");
    Files.writeString(
        dir.resolve("dataset.json"),
        """
        {"channel_names": {"0": "CT"}, "labels": {"background": 0, "whole_tumor": [1, 2, 3]}}
        """);
    assertThatThrownBy(() -> DatasetFolder.open(dir))
        .isInstanceOf(VolumeFormatException.class)
        .hasMessageContaining("region-based");
    assertThatThrownBy(() -> DatasetFolder.open(dir.resolve("nowhere")))
        .isInstanceOf(VolumeFormatException.class)
        .hasMessageContaining("no dataset.json");
  }

  @Test
  void entriesThatLeaveTheDatasetFolderAreRefusedAndNamed() throws IOException {
    // A real NIfTI file next to the dataset folder: the entries below all point at it.
    Path dataset = dir.resolve("dataset");
    Path outside = dir.resolve("outside.nii.gz");
    image(outside);
    image(dataset.resolve("imagesTr/ok_0.nii.gz"));

    Files.writeString(
        dataset.resolve("dataset.json"),
        """
        {"modality": {"0": "CT"}, "labels": {"0": "background"},
         "training": [{"image": "./imagesTr/ok_0.nii.gz"}, {"image": "../outside.nii.gz"}]}
        """);
    assertThatThrownBy(() -> DatasetFolder.open(dataset))
        .isInstanceOf(VolumeFormatException.class)
        .hasMessageContaining("entry '../outside.nii.gz' leaves the dataset folder");

    Files.writeString(
        dataset.resolve("dataset.json"),
        "{\"modality\": {\"0\": \"CT\"}, \"labels\": {\"0\": \"background\"},"
            + " \"training\": [{\"image\": \""
            + outside.toAbsolutePath()
            + "\"}]}");
    assertThatThrownBy(() -> DatasetFolder.open(dataset))
        .isInstanceOf(VolumeFormatException.class)
        .hasMessageContaining("entry '" + outside.toAbsolutePath() + "' is an absolute path");

    // The file-list layout refuses such a key instead of skipping it as "not a NIfTI file".
    Files.writeString(
        dataset.resolve("dataset.json"),
        """
        {"files": {"imagesTr/ok_0.nii.gz": {"modality": "CT", "label": "../../outside.nii.gz"}}}
        """);
    assertThatThrownBy(() -> DatasetFolder.open(dataset))
        .isInstanceOf(VolumeFormatException.class)
        .hasMessageContaining("entry '../../outside.nii.gz' leaves the dataset folder");

    // nnU-Net case ids become file names: an id that climbs out is refused too.
    Files.writeString(
        dataset.resolve("dataset.json"),
        """
        {"channel_names": {"0": "CT"}, "labels": {"background": 0}, "file_ending": ".nii.gz",
         "cases": ["../../outside"]}
        """);
    assertThatThrownBy(() -> DatasetFolder.open(dataset))
        .isInstanceOf(VolumeFormatException.class)
        .hasMessageContaining(
            "entry 'imagesTr/../../outside_0000.nii.gz' leaves the dataset folder");
  }

  @Test
  void symbolicLinksArePermittedOnlyInsideTheDatasetFolder() throws IOException {
    Path dataset = dir.resolve("dataset");
    Path outside = dir.resolve("outside.nii.gz");
    image(outside);
    image(dataset.resolve("imagesTr/real_0.nii.gz"));
    Files.createSymbolicLink(dataset.resolve("imagesTr/alias_0.nii.gz"), Path.of("real_0.nii.gz"));
    Files.createSymbolicLink(dataset.resolve("imagesTr/escape_0.nii.gz"), outside);

    Files.writeString(
        dataset.resolve("dataset.json"),
        """
        {"modality": {"0": "CT"}, "labels": {"0": "background"},
         "training": [{"image": "imagesTr/alias_0.nii.gz"}]}
        """);
    assertThat(DatasetFolder.open(dataset).cases())
        .extracting(DatasetCase::id)
        .containsExactly("alias_0");

    Files.writeString(
        dataset.resolve("dataset.json"),
        """
        {"modality": {"0": "CT"}, "labels": {"0": "background"},
         "training": [{"image": "imagesTr/escape_0.nii.gz"}]}
        """);
    assertThatThrownBy(() -> DatasetFolder.open(dataset))
        .isInstanceOf(VolumeFormatException.class)
        .hasMessageContaining(
            "entry 'imagesTr/escape_0.nii.gz' links to a file outside the dataset folder");
  }
}
