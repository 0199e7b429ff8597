package io.distillery.volumeio;

/**
 * An intensity volume: one {@code float} per voxel (after NIfTI {@code scl_slope}/{@code
 * scl_inter}, so CT is in Hounsfield units), stored x-fastest in a primitive array ({@code index =
 * x + nx * (y + ny * z)}), with its {@link Grid} (shape, voxel→RAS+ mm affine), modality and
 * metadata. Read as a C-order (row-major) array, the layout is {@code (nz, ny, nx)}: the D, H, W of
 * an NCDHW tensor, with D along voxel axis k, H along j and W along i.
 *
 * <p>The array is shared, not copied, to keep 100-MB volumes cheap to pass around: treat it as
 * read-only unless you own the volume. Transforms in this library always return new volumes.
 */
public final class Volume implements GriddedVolume {
  private final Grid grid;
  private final float[] data;
  private final Modality modality;
  private final VolumeMetadata metadata;

  public Volume(Grid grid, float[] data, Modality modality, VolumeMetadata metadata) {
    if (data.length != grid.size()) {
      throw new IllegalArgumentException(
          "data has "
              + data.length
              + " voxels, grid "
              + grid.nx()
              + "x"
              + grid.ny()
              + "x"
              + grid.nz()
              + " needs "
              + grid.size());
    }
    this.grid = grid;
    this.data = data;
    this.modality = modality == null ? Modality.UNKNOWN : modality;
    this.metadata = metadata == null ? VolumeMetadata.MEMORY : metadata;
  }

  /** An in-memory volume with unknown modality. */
  public static Volume of(Grid grid, float[] data) {
    return new Volume(grid, data, Modality.UNKNOWN, VolumeMetadata.MEMORY);
  }

  @Override
  public Grid grid() {
    return grid;
  }

  /** The backing voxel array, x-fastest (shared, not copied). */
  public float[] data() {
    return data;
  }

  public Modality modality() {
    return modality;
  }

  @Override
  public VolumeMetadata metadata() {
    return metadata;
  }

  /** Voxel value at {@code (x, y, z)}. */
  public float get(int x, int y, int z) {
    return data[grid.index(x, y, z)];
  }

  /** A volume with the same grid and metadata and new voxels. */
  public Volume withData(float[] newData) {
    return new Volume(grid, newData, modality, metadata);
  }

  /** A volume on another grid (same voxel count semantics checked by the constructor). */
  public Volume withGridAndData(Grid newGrid, float[] newData) {
    return new Volume(newGrid, newData, modality, metadata);
  }

  public Volume withModality(Modality m) {
    return new Volume(grid, data, m, metadata);
  }

  public Volume withMetadata(VolumeMetadata m) {
    return new Volume(grid, data, modality, m);
  }

  @Override
  public String toString() {
    return "Volume[" + modality + " " + grid + "]";
  }
}
