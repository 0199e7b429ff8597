package io.distillery.phantoms;

import io.distillery.volumeio.Affine;
import io.distillery.volumeio.Grid;
import io.distillery.volumeio.LabelVolume;
import io.distillery.volumeio.Modality;
import io.distillery.volumeio.Volume;
import io.distillery.volumeio.VolumeMetadata;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Deterministic synthetic abdominal CT phantoms: {@link #generate(long, PhantomSpec)} gives the
 * same bytes for the same seed and spec, and a different anatomy for another seed.
 *
 * <p>World frame RAS+ in mm with the origin at the grid centre (+x towards the patient's right, +y
 * anterior, +z superior); the voxel order is RAS too ({@code Orientation.axcodes} = "RAS"). Content
 * [our choice, a plausible layout rather than an atlas]:
 *
 * <ul>
 *   <li>air −1000 HU outside a superelliptic body cross-section (semi-axes ~150 × 110 mm, constant
 *       along z) with a 12–20 mm subcutaneous fat rim (~−100 HU) and, inside, a smooth texture of
 *       mixed fat and soft tissue (about −65 to +25 HU);
 *   <li>liver (~60 HU) on the patient's right, anterior and superior; spleen (~50 HU) on the left,
 *       posterior and superior; kidneys (~30 HU) posterior on both sides, the right one lower;
 *       pancreas (~40 HU) a tapering tube from the head right of the midline to the tail near the
 *       spleen; optionally a vertebral column (~400 HU) posterior on the midline;
 *   <li>per seed: body size and fat rim, organ centres (±6 mm), sizes (±10 %), superellipsoid
 *       exponents, rotations (yaw ±12°, pitch ±6°), a smooth deformation field per organ,
 *       attenuation jitter (±5 HU per organ); then white Gaussian noise of {@link
 *       PhantomSpec#noiseSigmaHu()}.
 * </ul>
 *
 * Organs never overlap and never touch (a placement that would touch an already placed organ or the
 * spine is drawn again) and are clipped to the inside of the fat rim. Labels follow the spec's
 * {@link LabelMap}.
 */
public final class AbdominalPhantom {

  private static final int MAX_ATTEMPTS = 60;
  private static final double AIR = -1000;
  private static final double FAT = -100;
  private static final double BONE = 400;

  private AbdominalPhantom() {}

  /**
   * Generates one phantom.
   *
   * @throws IllegalStateException if an organ has no voxel left that touches no other structure (a
   *     grid too coarse or too small for the body)
   */
  public static Phantom generate(long seed, PhantomSpec spec) {
    return new Builder(seed, spec).build();
  }

  /** The generation state of one phantom. */
  private static final class Builder {
    private final long seed;
    private final PhantomSpec spec;
    private final Random random;
    private final int nx;
    private final int ny;
    private final int nz;
    private final double[] s;
    private final double[] origin;

    /** 0 = free, −1 = spine, 1 + ordinal = organ. */
    private final byte[] occupant;

    private final double bodyA;
    private final double bodyB;
    private final double bodyExponent;
    private final double rim;

    Builder(long seed, PhantomSpec spec) {
      this.seed = seed;
      this.spec = spec;
      this.random = new Random(seed);
      nx = spec.nx();
      ny = spec.ny();
      nz = spec.nz();
      s = spec.spacingMm();
      origin =
          new double[] {-(nx - 1) / 2.0 * s[0], -(ny - 1) / 2.0 * s[1], -(nz - 1) / 2.0 * s[2]};
      occupant = new byte[nx * ny * nz];
      bodyA = 150 + uniform(-10, 10);
      bodyB = 110 + uniform(-8, 8);
      bodyExponent = 2.3 + uniform(-0.2, 0.3);
      rim = uniform(12, 20);
    }

    Phantom build() {
      double fat = FAT + uniform(-5, 5);
      SmoothField texture = new SmoothField(random, 40, 90);
      double bone = BONE + uniform(-30, 30);
      double spineRadius = uniform(16, 20);
      double spineY = -0.62 * bodyB;
      if (spec.withSpine()) {
        markSpine(spineY, spineRadius);
      }
      List<OrganShape> shapes = new ArrayList<>();
      double[] organHu = new double[Organ.values().length];
      for (Organ organ : Organ.values()) {
        organHu[organ.ordinal()] = organ.nominalHu() + uniform(-5, 5);
        shapes.add(place(organ));
      }

      float[] image = new float[occupant.length];
      short[] labels = new short[occupant.length];
      Random noise = new Random(seed ^ 0x5DEECE66DL);
      LabelMap map = spec.labelMap();
      for (int k = 0; k < nz; k++) {
        for (int j = 0; j < ny; j++) {
          for (int i = 0; i < nx; i++) {
            int v = i + nx * (j + ny * k);
            double x = x(i);
            double y = y(j);
            double value;
            int who = occupant[v];
            if (who > 0) {
              Organ organ = Organ.values()[who - 1];
              value = organHu[organ.ordinal()];
              labels[v] = (short) map.value(organ);
            } else if (who < 0) {
              value = bone;
            } else if (inBody(x, y, 0)) {
              value = inBody(x, y, rim) ? -20 + 45 * texture.at(x, y, z(k)) : fat;
            } else {
              value = AIR;
            }
            image[v] = (float) (value + spec.noiseSigmaHu() * noise.nextGaussian());
          }
        }
      }
      Grid grid =
          new Grid(nx, ny, nz, Affine.diagonal(s[0], s[1], s[2], origin[0], origin[1], origin[2]));
      Volume volume = new Volume(grid, image, Modality.CT, VolumeMetadata.MEMORY);
      LabelVolume labelVolume = new LabelVolume(grid, labels, map.names(), VolumeMetadata.MEMORY);
      return new Phantom(seed, volume, labelVolume);
    }

    private void markSpine(double spineY, double radius) {
      for (int k = 0; k < nz; k++) {
        for (int j = 0; j < ny; j++) {
          for (int i = 0; i < nx; i++) {
            double dx = x(i);
            double dy = y(j) - spineY;
            if (dx * dx + dy * dy <= radius * radius) {
              occupant[i + nx * (j + ny * k)] = -1;
            }
          }
        }
      }
    }

    /**
     * Draws the organ's shape until it touches nothing already placed, then marks its voxels. When
     * no draw in {@link #MAX_ATTEMPTS} is free (coarse grids, where one voxel of fat between organs
     * is 4 mm or more), the draw with the fewest touching voxels is kept and those voxels are left
     * as fat, so that a one-voxel gap still separates the organs.
     */
    private OrganShape place(Organ organ) {
      Draw best = null;
      for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        Draw draw = rasterise(draw(organ));
        if (draw.touching() == 0) {
          return mark(organ, draw);
        }
        if (best == null || draw.touching() < best.touching()) {
          best = draw;
        }
      }
      if (best.free().isEmpty()) {
        throw new IllegalStateException(
            "could not place "
                + organ
                + " without touching another structure in "
                + MAX_ATTEMPTS
                + " attempts (seed "
                + seed
                + ", grid "
                + nx
                + "x"
                + ny
                + "x"
                + nz
                + ")");
      }
      return mark(organ, best);
    }

    private OrganShape mark(Organ organ, Draw draw) {
      for (int v : draw.free()) {
        occupant[v] = (byte) (1 + organ.ordinal());
      }
      return draw.shape();
    }

    /**
     * One rasterised draw of a shape.
     *
     * @param free its voxels that neither are nor 26-touch an occupied voxel
     * @param touching how many of its voxels do
     */
    private record Draw(OrganShape shape, List<Integer> free, int touching) {}

    /** One random draw of an organ's shape, positions scaled to this body's size. */
    private OrganShape draw(Organ organ) {
      double fx = bodyA / 150;
      double fy = bodyB / 110;
      double d = spec.deformationMm();
      return switch (organ) {
        case LIVER -> ellipsoid(d, 62 * fx, 12 * fy, 52, 70, 66, 58, 2.2, 0);
        case RIGHT_KIDNEY -> ellipsoid(d, 64 * fx, -62 * fy, -44, 24, 26, 48, 2.0, -20);
        case LEFT_KIDNEY -> ellipsoid(d, -62 * fx, -62 * fy, -30, 24, 26, 48, 2.0, 20);
        case SPLEEN -> ellipsoid(d, -88 * fx, -36 * fy, 70, 24, 46, 40, 2.0, 35);
        case PANCREAS ->
            new OrganShape.Tube(
                random,
                d,
                jitter(new double[] {22 * fx, -12 * fy, -24}),
                jitter(new double[] {-10 * fx, 8 * fy, -8}),
                jitter(new double[] {-56 * fx, -12 * fy, 6}),
                17 * uniform(0.9, 1.1),
                11 * uniform(0.9, 1.1));
      };
    }

    private OrganShape ellipsoid(
        double deformation,
        double cx,
        double cy,
        double cz,
        double a,
        double b,
        double c,
        double exponent,
        double yawDeg) {
      double scale = uniform(0.9, 1.1);
      return new OrganShape.Superellipsoid(
          random,
          deformation,
          jitter(new double[] {cx, cy, cz}),
          new double[] {
            a * scale * uniform(0.95, 1.05), b * scale * uniform(0.95, 1.05), c * scale
          },
          exponent + uniform(0, 0.4),
          Math.toRadians(yawDeg + uniform(-12, 12)),
          Math.toRadians(uniform(-6, 6)));
    }

    private double[] jitter(double[] c) {
      return new double[] {c[0] + uniform(-6, 6), c[1] + uniform(-6, 6), c[2] + uniform(-6, 6)};
    }

    /** The voxels of the shape inside the fat rim, split into free ones and touching ones. */
    private Draw rasterise(OrganShape shape) {
      double[] b = shape.bounds();
      int i0 = Math.max(0, (int) Math.floor((b[0] - origin[0]) / s[0]));
      int i1 = Math.min(nx - 1, (int) Math.ceil((b[1] - origin[0]) / s[0]));
      int j0 = Math.max(0, (int) Math.floor((b[2] - origin[1]) / s[1]));
      int j1 = Math.min(ny - 1, (int) Math.ceil((b[3] - origin[1]) / s[1]));
      int k0 = Math.max(0, (int) Math.floor((b[4] - origin[2]) / s[2]));
      int k1 = Math.min(nz - 1, (int) Math.ceil((b[5] - origin[2]) / s[2]));
      List<Integer> free = new ArrayList<>();
      int touching = 0;
      for (int k = k0; k <= k1; k++) {
        for (int j = j0; j <= j1; j++) {
          for (int i = i0; i <= i1; i++) {
            double x = x(i);
            double y = y(j);
            if (!inBody(x, y, rim) || !shape.contains(x, y, z(k))) {
              continue;
            }
            if (touchesOccupied(i, j, k)) {
              touching++;
            } else {
              free.add(i + nx * (j + ny * k));
            }
          }
        }
      }
      return new Draw(shape, free, touching);
    }

    private boolean touchesOccupied(int i, int j, int k) {
      for (int dk = -1; dk <= 1; dk++) {
        for (int dj = -1; dj <= 1; dj++) {
          for (int di = -1; di <= 1; di++) {
            int a = i + di;
            int b = j + dj;
            int c = k + dk;
            if (a >= 0 && b >= 0 && c >= 0 && a < nx && b < ny && c < nz) {
              if (occupant[a + nx * (b + ny * c)] != 0) {
                return true;
              }
            }
          }
        }
      }
      return false;
    }

    /** Inside the body cross-section shrunk by {@code inset} mm. */
    private boolean inBody(double x, double y, double inset) {
      double u = Math.abs(x) / (bodyA - inset);
      double w = Math.abs(y) / (bodyB - inset);
      return Math.pow(u, bodyExponent) + Math.pow(w, bodyExponent) <= 1;
    }

    private double x(int i) {
      return origin[0] + i * s[0];
    }

    private double y(int j) {
      return origin[1] + j * s[1];
    }

    private double z(int k) {
      return origin[2] + k * s[2];
    }

    private double uniform(double lo, double hi) {
      return lo + (hi - lo) * random.nextDouble();
    }
  }
}
