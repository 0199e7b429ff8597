package io.distillery.segml.metrics;

/**
 * Distances between the surfaces of two binary masks of one class, in mm. A surface voxel is a mask
 * voxel with a 6-neighbour outside the mask or outside the volume (MONAI's and DeepMind's
 * surface-distance convention). Work is confined to the bounding box of the two masks' union, which
 * holds every surface voxel and so gives exact distances.
 */
final class SurfaceDistances {
  /** Distances from each surface voxel of the prediction to the reference surface. */
  final double[] predictionToReference;

  /** Distances from each surface voxel of the reference to the prediction surface. */
  final double[] referenceToPrediction;

  private SurfaceDistances(double[] predictionToReference, double[] referenceToPrediction) {
    this.predictionToReference = predictionToReference;
    this.referenceToPrediction = referenceToPrediction;
  }

  /**
   * Surface distances of class {@code c}; {@code null} when either mask is empty (the caller
   * applies the empty-mask convention).
   */
  static SurfaceDistances of(int[] prediction, int[] reference, int c, VoxelGrid grid) {
    int d = grid.depth();
    int h = grid.height();
    int w = grid.width();
    int[] lo = {d, h, w};
    int[] hi = {-1, -1, -1};
    boolean anyPrediction = false;
    boolean anyReference = false;
    for (int z = 0, i = 0; z < d; z++) {
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++, i++) {
          boolean p = prediction[i] == c;
          boolean r = reference[i] == c;
          if (p || r) {
            anyPrediction |= p;
            anyReference |= r;
            lo[0] = Math.min(lo[0], z);
            lo[1] = Math.min(lo[1], y);
            lo[2] = Math.min(lo[2], x);
            hi[0] = Math.max(hi[0], z);
            hi[1] = Math.max(hi[1], y);
            hi[2] = Math.max(hi[2], x);
          }
        }
      }
    }
    if (!anyPrediction || !anyReference) {
      return null;
    }
    int cd = hi[0] - lo[0] + 1;
    int ch = hi[1] - lo[1] + 1;
    int cw = hi[2] - lo[2] + 1;
    boolean[] predMask = new boolean[cd * ch * cw];
    boolean[] refMask = new boolean[cd * ch * cw];
    for (int z = 0, j = 0; z < cd; z++) {
      for (int y = 0; y < ch; y++) {
        int src = ((z + lo[0]) * h + (y + lo[1])) * w + lo[2];
        for (int x = 0; x < cw; x++, j++) {
          predMask[j] = prediction[src + x] == c;
          refMask[j] = reference[src + x] == c;
        }
      }
    }
    boolean[] predSurface = surface(predMask, cd, ch, cw);
    boolean[] refSurface = surface(refMask, cd, ch, cw);
    double[] spacing = grid.spacingMm();
    double[] toRef = EuclideanDistanceTransform.squaredDistances(refSurface, cd, ch, cw, spacing);
    double[] toPred = EuclideanDistanceTransform.squaredDistances(predSurface, cd, ch, cw, spacing);
    return new SurfaceDistances(sample(toRef, predSurface), sample(toPred, refSurface));
  }

  private static double[] sample(double[] squared, boolean[] at) {
    int count = 0;
    for (boolean b : at) {
      count += b ? 1 : 0;
    }
    double[] out = new double[count];
    for (int i = 0, k = 0; i < at.length; i++) {
      if (at[i]) {
        out[k++] = Math.sqrt(squared[i]);
      }
    }
    return out;
  }

  static boolean[] surface(boolean[] mask, int d, int h, int w) {
    boolean[] out = new boolean[mask.length];
    for (int z = 0, i = 0; z < d; z++) {
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++, i++) {
          if (!mask[i]) {
            continue;
          }
          out[i] =
              z == 0
                  || z == d - 1
                  || y == 0
                  || y == h - 1
                  || x == 0
                  || x == w - 1
                  || !mask[i - h * w]
                  || !mask[i + h * w]
                  || !mask[i - w]
                  || !mask[i + w]
                  || !mask[i - 1]
                  || !mask[i + 1];
        }
      }
    }
    return out;
  }
}
