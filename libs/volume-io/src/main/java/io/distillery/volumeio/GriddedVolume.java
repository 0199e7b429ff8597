package io.distillery.volumeio;

/** Anything with voxels on a {@link Grid}: an intensity {@link Volume} or a {@link LabelVolume}. */
public sealed interface GriddedVolume permits Volume, LabelVolume {
  /** Shape and voxel-to-RAS+ affine. */
  Grid grid();

  /** Provenance; free-text header fields only when explicitly requested. */
  VolumeMetadata metadata();
}
