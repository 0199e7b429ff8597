package io.distillery.volumeio.bench;

import io.distillery.volumeio.Affine;
import io.distillery.volumeio.Grid;
import io.distillery.volumeio.Modality;
import io.distillery.volumeio.Volume;
import io.distillery.volumeio.VolumeMetadata;

/**
 * A deterministic CT-like volume in Hounsfield units, for benchmarks: a circular field of view
 * (−1024 outside, as scanners store it), noisy air, an elliptic body with fat, soft tissue, a
 * liver, lungs in the upper slices and a spine, each with realistic noise so that gzip compresses
 * it about as much as real CT. Values are integers, so it stores exactly as int16.
 */
public final class SyntheticCt {
  private SyntheticCt() {}

  /** A {@code nx × ny × nz} volume with 0.8 × 0.8 × 2.5 mm LPS-like spacing. */
  public static Volume generate(int nx, int ny, int nz, long seed) {
    Grid g = new Grid(nx, ny, nz, Affine.diagonal(-0.8, -0.8, 2.5, 200, 200, -250));
    float[] d = new float[g.size()];
    long state = seed | 1;
    double cx = nx / 2.0;
    double cy = ny / 2.0;
    int i = 0;
    for (int z = 0; z < nz; z++) {
      double t = (double) z / nz;
      double bodyA = nx * (0.40 + 0.03 * Math.sin(t * 6));
      double bodyB = ny * (0.30 + 0.02 * Math.cos(t * 5));
      boolean lungs = t > 0.6;
      for (int y = 0; y < ny; y++) {
        for (int x = 0; x < nx; x++, i++) {
          double dx = x - cx;
          double dy = y - cy;
          if (dx * dx + dy * dy > (nx / 2.0) * (nx / 2.0)) {
            d[i] = -1024;
            continue;
          }
          state ^= state << 13;
          state ^= state >>> 7;
          state ^= state << 17;
          // Sum of four uniforms: a cheap, roughly Gaussian noise in [-2, 2].
          double u =
              ((state & 0xFFFF)
                          + ((state >>> 16) & 0xFFFF)
                          + ((state >>> 32) & 0xFFFF)
                          + ((state >>> 48) & 0xFFFF))
                      / 32768.0
                  - 4.0 / 2;
          double body = (dx / bodyA) * (dx / bodyA) + (dy / bodyB) * (dy / bodyB);
          double hu;
          double sigma;
          if (body > 1) {
            hu = -1000;
            sigma = 8;
          } else if (body > 0.85) {
            hu = -100; // subcutaneous fat
            sigma = 12;
          } else if (Math.hypot(dx, dy - bodyB * 0.6) < nx * 0.035) {
            hu = 700; // vertebra
            sigma = 40;
          } else if (lungs
              && Math.abs(Math.abs(dx) - bodyA * 0.45) < bodyA * 0.3
              && dy < bodyB * 0.3) {
            hu = -850;
            sigma = 25;
          } else if (!lungs && dx < -bodyA * 0.1 && dx > -bodyA * 0.8 && dy < bodyB * 0.2) {
            hu = 60; // liver
            sigma = 12;
          } else {
            hu = 40; // soft tissue
            sigma = 15;
          }
          d[i] = (float) Math.rint(hu + sigma * u);
        }
      }
    }
    return new Volume(g, d, Modality.CT, VolumeMetadata.MEMORY);
  }
}
