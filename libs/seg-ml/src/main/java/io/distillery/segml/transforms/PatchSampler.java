package io.distillery.segml.transforms;

import io.distillery.tensorcodec.HalfFloat;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Foreground-oversampled, class-balanced random patch sampling (as nnU-Net's 1/3 foreground
 * oversampling, with the class chosen uniformly among those present so that small organs are seen
 * as often as large ones), plus {@link Augmentation}. A fraction {@code foregroundFraction} of the
 * patches is centred on a random voxel of a random present foreground class of a random case; the
 * others are uniform (fully inside the volume where it is large enough). Voxels outside the volume
 * read as 0 (image) and background (labels). Channels a {@link TrainingCase} holds as fp16 are
 * converted to float as the patch is cut, so patches are always float. Deterministic for a seed;
 * not thread-safe (use one per thread or a {@link PrefetchingSampler}).
 */
public final class PatchSampler {
  private final List<TrainingCase> cases;
  private final List<int[][]> foregroundByClass;
  private final int[] patchSize;
  private final double foregroundFraction;
  private final Augmentation augmentation;
  private final LateralMirror mirror;
  private final SplittableRandom random;

  /**
   * @param cases training volumes (at least one)
   * @param patchSize D, H, W of every patch
   * @param foregroundFraction fraction of foreground-centred patches (default choice 1/3)
   * @param augmentation augmentation parameters
   * @param seed RNG seed
   */
  public PatchSampler(
      List<TrainingCase> cases,
      int[] patchSize,
      double foregroundFraction,
      Augmentation augmentation,
      long seed) {
    this(cases, patchSize, foregroundFraction, augmentation, seed, LateralMirror.none());
  }

  /**
   * As above, with {@code mirror} saying what a flip of x (W) does to lateralised classes: their
   * labels are swapped, or x is never flipped.
   */
  public PatchSampler(
      List<TrainingCase> cases,
      int[] patchSize,
      double foregroundFraction,
      Augmentation augmentation,
      long seed,
      LateralMirror mirror) {
    this.mirror = mirror;
    if (cases.isEmpty()) {
      throw new IllegalArgumentException("at least one training case is required");
    }
    this.cases = List.copyOf(cases);
    this.patchSize = patchSize.clone();
    this.foregroundFraction = foregroundFraction;
    this.augmentation = augmentation;
    this.random = new SplittableRandom(seed);
    this.foregroundByClass = new ArrayList<>();
    for (TrainingCase c : this.cases) {
      foregroundByClass.add(indexForeground(c.samplingLabels()));
    }
  }

  /** Voxel indices per present foreground class; classes absent from the case are left out. */
  private static int[][] indexForeground(short[] labels) {
    int maxClass = 0;
    int[] counts = new int[Short.MAX_VALUE + 1];
    for (short l : labels) {
      if (l > 0) {
        counts[l]++;
        maxClass = Math.max(maxClass, l);
      }
    }
    int[][] byClass = new int[maxClass + 1][];
    int[] fill = new int[maxClass + 1];
    for (int c = 1; c <= maxClass; c++) {
      byClass[c] = new int[counts[c]];
    }
    for (int i = 0; i < labels.length; i++) {
      int l = labels[i];
      if (l > 0) {
        byClass[l][fill[l]++] = i;
      }
    }
    return Arrays.stream(byClass).filter(a -> a != null && a.length > 0).toArray(int[][]::new);
  }

  /** The next random patch. */
  public Patch next() {
    int which = random.nextInt(cases.size());
    TrainingCase c = cases.get(which);
    int[] shape = c.shape();
    int[][] foreground = foregroundByClass.get(which);
    int[] centre = new int[3];
    if (foreground.length > 0 && random.nextDouble() < foregroundFraction) {
      int[] voxels = foreground[random.nextInt(foreground.length)];
      int v = voxels[random.nextInt(voxels.length)];
      centre[0] = v / (shape[1] * shape[2]);
      centre[1] = (v / shape[2]) % shape[1];
      centre[2] = v % shape[2];
    } else {
      for (int a = 0; a < 3; a++) {
        int half = patchSize[a] / 2;
        int lo = Math.min(half, shape[a] / 2);
        int hi = Math.max(lo, shape[a] - (patchSize[a] - half));
        centre[a] = lo + random.nextInt(hi - lo + 1);
      }
    }
    return extract(c, centre, drawTransform());
  }

  /** A 3×3 voxel-space matrix mapping patch offsets to source offsets (flips, rotation, scale). */
  double[][] drawTransform() {
    double[][] m = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}};
    if (augmentation.spatialProbability() > 0
        && random.nextDouble() < augmentation.spatialProbability()) {
      double max = Math.toRadians(augmentation.maxRotationDegrees());
      for (int axis = 0; axis < 3; axis++) {
        m = multiply(m, rotation(axis, (random.nextDouble() * 2 - 1) * max));
      }
      double scale = 1 + (random.nextDouble() * 2 - 1) * augmentation.maxScaling();
      for (double[] row : m) {
        for (int j = 0; j < 3; j++) {
          row[j] /= scale;
        }
      }
    }
    for (int axis = 0; axis < 3; axis++) {
      // The draw happens for every axis, so forbidding x does not shift the random stream.
      if (random.nextDouble() < augmentation.flipProbability() && (axis != 2 || mirror.allowsX())) {
        for (double[] row : m) {
          row[axis] = -row[axis];
        }
      }
    }
    return m;
  }

  Patch extract(TrainingCase c, int[] centre, double[][] m) {
    int[] shape = c.shape();
    int channels = c.channels();
    int voxels = patchSize[0] * patchSize[1] * patchSize[2];
    float[] image = new float[channels * voxels];
    short[] labels = new short[voxels];
    boolean axisAligned = isSignedIdentity(m);
    int sourceVoxels = shape[0] * shape[1] * shape[2];
    // Each channel's array and offset, resolved once per patch rather than per voxel.
    float[][] floatSource = new float[channels][];
    short[][] halfSource = new short[channels][];
    int[] offset = new int[channels];
    int ch0 = 0;
    for (ChannelBlock block : c.blocks()) {
      for (int k = 0; k < block.count(); k++, ch0++) {
        floatSource[ch0] = block.floatData();
        halfSource[ch0] = block.halfData();
        offset[ch0] = k * sourceVoxels;
      }
    }
    short[] srcLabels = c.labels();
    // x (W) mirrored: a right-side class becomes its left-side partner (rotations are small).
    boolean mirroredX = m[2][2] < 0 && mirror.lateralised();
    int half0 = patchSize[0] / 2;
    int half1 = patchSize[1] / 2;
    int half2 = patchSize[2] / 2;
    for (int z = 0, o = 0; z < patchSize[0]; z++) {
      for (int y = 0; y < patchSize[1]; y++) {
        for (int x = 0; x < patchSize[2]; x++, o++) {
          double dz = z - half0;
          double dy = y - half1;
          double dx = x - half2;
          double sz = centre[0] + m[0][0] * dz + m[0][1] * dy + m[0][2] * dx;
          double sy = centre[1] + m[1][0] * dz + m[1][1] * dy + m[1][2] * dx;
          double sx = centre[2] + m[2][0] * dz + m[2][1] * dy + m[2][2] * dx;
          int nz = (int) Math.round(sz);
          int ny = (int) Math.round(sy);
          int nx = (int) Math.round(sx);
          if (inside(nz, ny, nx, shape)) {
            short l = srcLabels[(nz * shape[1] + ny) * shape[2] + nx];
            labels[o] = mirroredX ? mirror.apply(l) : l;
          }
          for (int ch = 0; ch < channels; ch++) {
            image[ch * voxels + o] =
                axisAligned
                    ? (inside(nz, ny, nx, shape)
                        ? value(
                            floatSource[ch],
                            halfSource[ch],
                            offset[ch] + (nz * shape[1] + ny) * shape[2] + nx)
                        : 0f)
                    : trilinear(floatSource[ch], halfSource[ch], offset[ch], shape, sz, sy, sx);
          }
        }
      }
    }
    applyIntensity(image);
    return new Patch(image, labels, channels, patchSize.clone());
  }

  private void applyIntensity(float[] image) {
    if (augmentation.intensityScale() == 0 && augmentation.intensityShift() == 0) {
      return;
    }
    float scale = (float) (1 + (random.nextDouble() * 2 - 1) * augmentation.intensityScale());
    float shift = (float) ((random.nextDouble() * 2 - 1) * augmentation.intensityShift());
    for (int i = 0; i < image.length; i++) {
      image[i] = image[i] * scale + shift;
    }
  }

  private static boolean inside(int z, int y, int x, int[] shape) {
    return z >= 0 && y >= 0 && x >= 0 && z < shape[0] && y < shape[1] && x < shape[2];
  }

  /** Value {@code i} of a channel held as floats ({@code f}) or as fp16 bits ({@code h}). */
  private static float value(float[] f, short[] h, int i) {
    return f != null ? f[i] : HalfFloat.toFloat(h[i]);
  }

  private static float trilinear(
      float[] f, short[] h, int offset, int[] shape, double z, double y, double x) {
    int z0 = (int) Math.floor(z);
    int y0 = (int) Math.floor(y);
    int x0 = (int) Math.floor(x);
    double fz = z - z0;
    double fy = y - y0;
    double fx = x - x0;
    double sum = 0;
    for (int a = 0; a < 2; a++) {
      for (int b = 0; b < 2; b++) {
        for (int c = 0; c < 2; c++) {
          int zz = z0 + a;
          int yy = y0 + b;
          int xx = x0 + c;
          if (inside(zz, yy, xx, shape)) {
            double w = (a == 0 ? 1 - fz : fz) * (b == 0 ? 1 - fy : fy) * (c == 0 ? 1 - fx : fx);
            sum += w * value(f, h, offset + (zz * shape[1] + yy) * shape[2] + xx);
          }
        }
      }
    }
    return (float) sum;
  }

  private static boolean isSignedIdentity(double[][] m) {
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 3; j++) {
        if (i == j ? Math.abs(m[i][j]) != 1 : m[i][j] != 0) {
          return false;
        }
      }
    }
    return true;
  }

  private static double[][] rotation(int axis, double angle) {
    double c = Math.cos(angle);
    double s = Math.sin(angle);
    int i = (axis + 1) % 3;
    int j = (axis + 2) % 3;
    double[][] r = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}};
    r[i][i] = c;
    r[i][j] = -s;
    r[j][i] = s;
    r[j][j] = c;
    return r;
  }

  private static double[][] multiply(double[][] a, double[][] b) {
    double[][] r = new double[3][3];
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 3; j++) {
        for (int k = 0; k < 3; k++) {
          r[i][j] += a[i][k] * b[k][j];
        }
      }
    }
    return r;
  }
}
