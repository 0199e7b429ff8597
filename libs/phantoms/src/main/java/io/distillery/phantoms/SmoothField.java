package io.distillery.phantoms;

import java.util.Random;

/**
 * A smooth random scalar field on RAS mm: the sum of three plane waves with random directions,
 * wavelengths and phases, scaled to [−1, 1]. Used for organ deformation (three fields, one per
 * axis) and for the texture of the tissue between the organs.
 */
final class SmoothField {

  private static final int WAVES = 3;
  private final double[][] k = new double[WAVES][3];
  private final double[] phase = new double[WAVES];

  /**
   * @param random source of the directions, wavelengths and phases
   * @param minWavelengthMm shortest wavelength
   * @param maxWavelengthMm longest wavelength
   */
  SmoothField(Random random, double minWavelengthMm, double maxWavelengthMm) {
    for (int w = 0; w < WAVES; w++) {
      double[] u = unitVector(random);
      double wavelength =
          minWavelengthMm + random.nextDouble() * (maxWavelengthMm - minWavelengthMm);
      for (int a = 0; a < 3; a++) {
        k[w][a] = 2 * Math.PI * u[a] / wavelength;
      }
      phase[w] = 2 * Math.PI * random.nextDouble();
    }
  }

  /** The field at (x, y, z) mm, in [−1, 1]. */
  double at(double x, double y, double z) {
    double sum = 0;
    for (int w = 0; w < WAVES; w++) {
      sum += Math.sin(k[w][0] * x + k[w][1] * y + k[w][2] * z + phase[w]);
    }
    return sum / WAVES;
  }

  private static double[] unitVector(Random random) {
    double x = random.nextGaussian();
    double y = random.nextGaussian();
    double z = random.nextGaussian();
    double n = Math.sqrt(x * x + y * y + z * z);
    return n < 1e-9 ? new double[] {1, 0, 0} : new double[] {x / n, y / n, z / n};
  }
}
