package io.distillery.phantoms;

import java.util.Random;

/**
 * A solid in RAS mm, smoothly deformed: a point p is inside when the undeformed solid contains p +
 * d(p), where d is a {@link SmoothField} displacement of amplitude {@code deformationMm} per axis.
 * Two kinds: a rotated superellipsoid {@code |u/a|^e + |v/b|^e + |w/c|^e ≤ 1} (liver, spleen,
 * kidneys) and a tube of varying radius around a quadratic Bézier curve (pancreas).
 */
abstract class OrganShape {

  private final SmoothField[] displacement = new SmoothField[3];
  private final double deformationMm;

  OrganShape(Random random, double deformationMm) {
    this.deformationMm = deformationMm;
    for (int a = 0; a < 3; a++) {
      displacement[a] = new SmoothField(random, 60, 140);
    }
  }

  /** Whether (x, y, z) mm lies inside the deformed solid. */
  final boolean contains(double x, double y, double z) {
    if (deformationMm == 0) {
      return containsUndeformed(x, y, z);
    }
    return containsUndeformed(
        x + deformationMm * displacement[0].at(x, y, z),
        y + deformationMm * displacement[1].at(x, y, z),
        z + deformationMm * displacement[2].at(x, y, z));
  }

  abstract boolean containsUndeformed(double x, double y, double z);

  /**
   * An axis-aligned box in mm that holds the deformed solid: {xmin, xmax, ymin, ymax, zmin, zmax}.
   */
  final double[] bounds() {
    double[] b = undeformedBounds();
    for (int i = 0; i < 6; i++) {
      b[i] += (i % 2 == 0 ? -1 : 1) * (deformationMm + 1);
    }
    return b;
  }

  abstract double[] undeformedBounds();

  /** A rotated superellipsoid. */
  static final class Superellipsoid extends OrganShape {
    private final double[] centre;
    private final double[] semiAxes;
    private final double exponent;
    private final double[][] rotation; // rows: the body axes u, v, w in RAS

    /**
     * @param centre RAS mm
     * @param semiAxes along the body axes, mm
     * @param exponent 2 = ellipsoid, larger = boxier
     * @param yawRad rotation about z
     * @param pitchRad rotation about x (after yaw)
     */
    Superellipsoid(
        Random random,
        double deformationMm,
        double[] centre,
        double[] semiAxes,
        double exponent,
        double yawRad,
        double pitchRad) {
      super(random, deformationMm);
      this.centre = centre.clone();
      this.semiAxes = semiAxes.clone();
      this.exponent = exponent;
      double cy = Math.cos(yawRad);
      double sy = Math.sin(yawRad);
      double cp = Math.cos(pitchRad);
      double sp = Math.sin(pitchRad);
      // R = Rx(pitch) · Rz(yaw); body coordinates = R^T (p − c), so the rows of R^T are R's
      // columns.
      double[][] r = {
        {cy, -sy, 0},
        {cp * sy, cp * cy, -sp},
        {sp * sy, sp * cy, cp}
      };
      rotation = new double[3][3];
      for (int i = 0; i < 3; i++) {
        for (int j = 0; j < 3; j++) {
          rotation[i][j] = r[j][i];
        }
      }
    }

    @Override
    boolean containsUndeformed(double x, double y, double z) {
      double dx = x - centre[0];
      double dy = y - centre[1];
      double dz = z - centre[2];
      double sum = 0;
      for (int i = 0; i < 3; i++) {
        double u = (rotation[i][0] * dx + rotation[i][1] * dy + rotation[i][2] * dz) / semiAxes[i];
        sum += Math.pow(Math.abs(u), exponent);
        if (sum > 1) {
          return false;
        }
      }
      return true;
    }

    @Override
    double[] undeformedBounds() {
      // The superellipsoid lies within the sphere of its largest semi-axis times √3 (exponent ≥ 2
      // keeps it inside its bounding box, whose half-diagonal that is).
      double r = Math.sqrt(sq(semiAxes[0]) + sq(semiAxes[1]) + sq(semiAxes[2]));
      return new double[] {
        centre[0] - r, centre[0] + r, centre[1] - r, centre[1] + r, centre[2] - r, centre[2] + r
      };
    }
  }

  /** A tube around a quadratic Bézier curve, radius linear from start to end. */
  static final class Tube extends OrganShape {
    private static final int SAMPLES = 48;
    private final double[][] points = new double[SAMPLES + 1][];
    private final double[] radii = new double[SAMPLES + 1];
    private final double maxRadius;

    Tube(
        Random random,
        double deformationMm,
        double[] start,
        double[] control,
        double[] end,
        double startRadius,
        double endRadius) {
      super(random, deformationMm);
      for (int s = 0; s <= SAMPLES; s++) {
        double t = (double) s / SAMPLES;
        double[] p = new double[3];
        for (int a = 0; a < 3; a++) {
          p[a] = sq(1 - t) * start[a] + 2 * (1 - t) * t * control[a] + sq(t) * end[a];
        }
        points[s] = p;
        radii[s] = startRadius + t * (endRadius - startRadius);
      }
      maxRadius = Math.max(startRadius, endRadius);
    }

    @Override
    boolean containsUndeformed(double x, double y, double z) {
      for (int s = 0; s <= SAMPLES; s++) {
        double[] p = points[s];
        double d2 = sq(x - p[0]) + sq(y - p[1]) + sq(z - p[2]);
        if (d2 <= sq(radii[s])) {
          return true;
        }
      }
      return false;
    }

    @Override
    double[] undeformedBounds() {
      double[] b = {
        Double.MAX_VALUE,
        -Double.MAX_VALUE,
        Double.MAX_VALUE,
        -Double.MAX_VALUE,
        Double.MAX_VALUE,
        -Double.MAX_VALUE
      };
      for (double[] p : points) {
        for (int a = 0; a < 3; a++) {
          b[2 * a] = Math.min(b[2 * a], p[a] - maxRadius);
          b[2 * a + 1] = Math.max(b[2 * a + 1], p[a] + maxRadius);
        }
      }
      return b;
    }
  }

  static double sq(double v) {
    return v * v;
  }
}
