package io.distillery.inference;

import io.distillery.volumeio.Affine;
import io.distillery.volumeio.Grid;
import io.distillery.volumeio.LabelVolume;
import io.distillery.volumeio.Volume;
import io.distillery.volumeio.nifti.NiftiWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * CT-like synthetic volumes: air (−1000 HU) around a soft-tissue body ellipse (40 HU) holding one
 * bright ellipsoidal "organ" (200 HU), with Gaussian noise. The organ sits off-centre so that a
 * wrong axis flip or permutation moves the predicted label away from it.
 */
final class SyntheticVolumes {

  static final float AIR = -1000f;
  static final float BODY = 40f;
  static final float ORGAN = 200f;

  private SyntheticVolumes() {}

  /** An LAS grid (x runs right→left, as BTCV stores it): 2 × 2 × 3 mm. */
  static Grid lasGrid(int nx, int ny, int nz) {
    return new Grid(nx, ny, nz, Affine.of3x4(-2, 0, 0, 60, 0, 2, 0, -40, 0, 0, 3, -30));
  }

  /** The image and its true organ mask on {@code grid}; organ centre at voxel fractions. */
  static Volume image(Grid g, double[] organCentreFraction, double organRadiusMm, long seed) {
    Random rnd = new Random(seed);
    float[] data = new float[g.size()];
    for (int z = 0; z < g.nz(); z++) {
      for (int y = 0; y < g.ny(); y++) {
        for (int x = 0; x < g.nx(); x++) {
          float v = AIR;
          double ex = (x - (g.nx() - 1) / 2.0) / (g.nx() * 0.47);
          double ey = (y - (g.ny() - 1) / 2.0) / (g.ny() * 0.47);
          if (ex * ex + ey * ey < 1) {
            v = BODY;
          }
          if (inOrgan(g, x, y, z, organCentreFraction, organRadiusMm)) {
            v = ORGAN;
          }
          data[g.index(x, y, z)] = v + (float) rnd.nextGaussian() * 15f;
        }
      }
    }
    return Volume.of(g, data);
  }

  /** The true organ mask (label 1) on {@code grid}. */
  static LabelVolume truth(Grid g, double[] organCentreFraction, double organRadiusMm) {
    short[] data = new short[g.size()];
    for (int z = 0; z < g.nz(); z++) {
      for (int y = 0; y < g.ny(); y++) {
        for (int x = 0; x < g.nx(); x++) {
          if (inOrgan(g, x, y, z, organCentreFraction, organRadiusMm)) {
            data[g.index(x, y, z)] = 1;
          }
        }
      }
    }
    return LabelVolume.of(g, data);
  }

  static boolean inOrgan(Grid g, int x, int y, int z, double[] centre, double radiusMm) {
    double[] s = g.spacing();
    double dx = (x - centre[0] * (g.nx() - 1)) * s[0];
    double dy = (y - centre[1] * (g.ny() - 1)) * s[1];
    double dz = (z - centre[2] * (g.nz() - 1)) * s[2];
    return dx * dx + dy * dy + dz * dz <= radiusMm * radiusMm;
  }

  /** Writes {@code v} as {@code .nii.gz} and returns its bytes. */
  static byte[] niftiGz(Volume v) throws IOException {
    Path dir = Files.createTempDirectory("synthetic-");
    Path file = dir.resolve("image.nii.gz");
    NiftiWriter.write(v, file);
    byte[] bytes = Files.readAllBytes(file);
    Files.delete(file);
    Files.delete(dir);
    return bytes;
  }

  /** Dice of label 1 between two maps on the same grid. */
  static double dice(short[] a, short[] b) {
    long inter = 0;
    long sum = 0;
    for (int i = 0; i < a.length; i++) {
      boolean p = a[i] == 1;
      boolean q = b[i] == 1;
      inter += p && q ? 1 : 0;
      sum += (p ? 1 : 0) + (q ? 1 : 0);
    }
    return sum == 0 ? 1 : 2.0 * inter / sum;
  }
}
