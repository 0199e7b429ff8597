package io.distillery.volumeio.dataset;

import io.distillery.volumeio.GridMismatchException;
import io.distillery.volumeio.GriddedVolume;
import io.distillery.volumeio.LabelVolume;
import io.distillery.volumeio.Modality;
import io.distillery.volumeio.Volume;
import io.distillery.volumeio.Volumes;
import io.distillery.volumeio.nifti.NiftiReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One case of a dataset folder: its image channels (e.g. {@code imagesTr/btcv_00_0000.nii.gz}),
 * their modalities, the optional label file and the dataset's label names (value → name).
 */
public record DatasetCase(
    String id,
    List<Path> images,
    List<Modality> modalities,
    Optional<Path> label,
    SortedMap<Integer, String> labelNames) {

  public DatasetCase {
    images = List.copyOf(images);
    modalities = List.copyOf(modalities);
    labelNames = new TreeMap<>(labelNames);
    if (images.size() != modalities.size()) {
      throw new IllegalArgumentException("one modality per image channel");
    }
  }

  /** Reads image channel {@code c} with its modality set. */
  public Volume readImage(NiftiReader reader, int c) throws IOException {
    return reader.readVolume(images.get(c)).withModality(modalities.get(c));
  }

  /**
   * Reads every channel and the label map (if any) and checks they share one grid.
   *
   * @throws io.distillery.volumeio.GridMismatchException if a channel or the label is on another
   *     grid
   */
  public Loaded read(NiftiReader reader) throws IOException {
    List<Volume> channels = new ArrayList<>();
    for (int c = 0; c < images.size(); c++) {
      Volume v = readImage(reader, c);
      if (!channels.isEmpty()) {
        checkGrid(channels.get(0), v, "channel " + c);
      }
      channels.add(v);
    }
    Optional<LabelVolume> labels = Optional.empty();
    if (label.isPresent()) {
      LabelVolume l = reader.readLabels(label.get(), labelNames);
      checkGrid(channels.get(0), l, "label");
      labels = Optional.of(l);
    }
    return new Loaded(this, channels, labels);
  }

  private void checkGrid(Volume ref, GriddedVolume other, String what) {
    try {
      Volumes.sameGrid(ref, other);
    } catch (GridMismatchException e) {
      throw new GridMismatchException(
          "case " + id + ": " + what + " is not on the image grid: " + e.getMessage());
    }
  }

  /** A case read into memory: channels and labels on one grid. */
  public record Loaded(DatasetCase source, List<Volume> channels, Optional<LabelVolume> labels) {
    /** The first (often only) channel. */
    public Volume image() {
      return channels.get(0);
    }
  }
}
