package io.distillery.volumeio;

import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A label map: one unsigned 16-bit label per voxel (0..65535, 0 = background) in a {@code short[]}
 * read with {@link Short#toUnsignedInt}, stored x-fastest like {@link Volume}, plus the label names
 * (value → name, e.g. {@code 1 → "liver"}). Two bytes per voxel covers every label set we meet
 * (TotalSegmentator has about 120 classes) at half the memory of {@code int[]}.
 *
 * <p>The array is shared, not copied; transforms return new label volumes.
 */
public final class LabelVolume implements GriddedVolume {
  /** Largest storable label value. */
  public static final int MAX_LABEL = 0xFFFF;

  private final Grid grid;
  private final short[] data;
  private final SortedMap<Integer, String> names;
  private final VolumeMetadata metadata;

  public LabelVolume(Grid grid, short[] data, Map<Integer, String> names, VolumeMetadata metadata) {
    if (data.length != grid.size()) {
      throw new IllegalArgumentException(
          "data has " + data.length + " voxels, grid needs " + grid.size());
    }
    this.grid = grid;
    this.data = data;
    this.names = Collections.unmodifiableSortedMap(new TreeMap<>(names == null ? Map.of() : names));
    this.metadata = metadata == null ? VolumeMetadata.MEMORY : metadata;
  }

  /** An in-memory label map without names. */
  public static LabelVolume of(Grid grid, short[] data) {
    return new LabelVolume(grid, data, Map.of(), VolumeMetadata.MEMORY);
  }

  @Override
  public Grid grid() {
    return grid;
  }

  /** Backing array of unsigned 16-bit labels (shared, not copied). */
  public short[] data() {
    return data;
  }

  /** Label value → name, sorted by value; may be empty. */
  public SortedMap<Integer, String> names() {
    return names;
  }

  @Override
  public VolumeMetadata metadata() {
    return metadata;
  }

  /** Label at {@code (x, y, z)}. */
  public int get(int x, int y, int z) {
    return Short.toUnsignedInt(data[grid.index(x, y, z)]);
  }

  /** Label at linear index {@code i}. */
  public int label(int i) {
    return Short.toUnsignedInt(data[i]);
  }

  /** Largest label value present (0 for an empty map). */
  public int maxLabel() {
    int max = 0;
    for (short s : data) {
      max = Math.max(max, Short.toUnsignedInt(s));
    }
    return max;
  }

  public LabelVolume withNames(Map<Integer, String> newNames) {
    return new LabelVolume(grid, data, newNames, metadata);
  }

  public LabelVolume withGridAndData(Grid newGrid, short[] newData) {
    return new LabelVolume(newGrid, newData, names, metadata);
  }

  public LabelVolume withMetadata(VolumeMetadata m) {
    return new LabelVolume(grid, data, names, m);
  }

  @Override
  public String toString() {
    return "LabelVolume[" + names.size() + " names, " + grid + "]";
  }
}
