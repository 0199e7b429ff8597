package io.distillery.ingest;

import io.distillery.volumeio.Affine;
import io.distillery.volumeio.Grid;
import io.distillery.volumeio.LabelVolume;
import io.distillery.volumeio.Modality;
import io.distillery.volumeio.Volume;
import io.distillery.volumeio.VolumeMetadata;
import io.distillery.volumeio.nifti.NiftiWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;

/**
 * Small CT-like test volumes in LAS voxel order (as BTCV stores them): a body ellipse of soft
 * tissue with a spherical "organ" that the label map marks as class 1.
 */
final class SyntheticNifti {

  static final int NX = 24;
  static final int NY = 20;
  static final int NZ = 12;

  private SyntheticNifti() {}

  /** LAS grid: x runs right-to-left (negative column), y and z positive. */
  static Grid lasGrid() {
    return new Grid(NX, NY, NZ, Affine.of3x4(-2, 0, 0, 40, 0, 2, 0, -20, 0, 0, 3, -15));
  }

  static Path writeImage(Path dir, String name, long seed) throws IOException {
    Grid g = lasGrid();
    float[] data = new float[g.size()];
    Random rnd = new Random(seed);
    for (int z = 0; z < NZ; z++) {
      for (int y = 0; y < NY; y++) {
        for (int x = 0; x < NX; x++) {
          double ex = (x - NX / 2.0) / (NX * 0.45);
          double ey = (y - NY / 2.0) / (NY * 0.45);
          float hu = ex * ex + ey * ey < 1 ? 40f : -1000f;
          if (inOrgan(x, y, z)) {
            hu = 90f;
          }
          data[g.index(x, y, z)] = hu + (float) rnd.nextGaussian() * 10f;
        }
      }
    }
    Path file = dir.resolve(name);
    NiftiWriter.write(new Volume(g, data, Modality.CT, VolumeMetadata.MEMORY), file);
    return file;
  }

  static Path writeLabel(Path dir, String name, Grid grid) throws IOException {
    short[] data = new short[grid.size()];
    for (int z = 0; z < grid.nz(); z++) {
      for (int y = 0; y < grid.ny(); y++) {
        for (int x = 0; x < grid.nx(); x++) {
          data[grid.index(x, y, z)] = (short) (inOrgan(x, y, z) ? 1 : 0);
        }
      }
    }
    Path file = dir.resolve(name);
    NiftiWriter.write(new LabelVolume(grid, data, Map.of(1, "liver"), VolumeMetadata.MEMORY), file);
    return file;
  }

  /** The organ sits off-centre towards low x, so a missed flip would be visible. */
  static boolean inOrgan(int x, int y, int z) {
    double dx = x - 7;
    double dy = y - 10;
    double dz = z - 6;
    return dx * dx + dy * dy + dz * dz < 16;
  }
}
