package io.distillery.segml.transforms;

/**
 * Resizes {@code C×D×H×W} float arrays by trilinear interpolation with half-pixel centres
 * (PyTorch's {@code align_corners=False}), as three separable 1-D passes, and label maps by nearest
 * neighbour.
 */
public final class TrilinearResize {
  private TrilinearResize() {}

  /** Resizes every channel of {@code image} from {@code from} (D,H,W) to {@code to} (D,H,W). */
  public static float[] resize(float[] image, int channels, int[] from, int[] to) {
    int inVoxels = from[0] * from[1] * from[2];
    if (image.length != channels * inVoxels) {
      throw new IllegalArgumentException(
          "image has " + image.length + " values, expected " + channels + "×" + inVoxels);
    }
    float[] out = new float[channels * to[0] * to[1] * to[2]];
    for (int c = 0; c < channels; c++) {
      float[] one = new float[inVoxels];
      System.arraycopy(image, c * inVoxels, one, 0, inVoxels);
      // W, then H, then D: each pass interpolates along one axis only.
      float[] a = resizeAxis(one, new int[] {from[0], from[1], from[2]}, 2, to[2]);
      float[] b = resizeAxis(a, new int[] {from[0], from[1], to[2]}, 1, to[1]);
      float[] r = resizeAxis(b, new int[] {from[0], to[1], to[2]}, 0, to[0]);
      System.arraycopy(r, 0, out, c * r.length, r.length);
    }
    return out;
  }

  private static float[] resizeAxis(float[] in, int[] shape, int axis, int newSize) {
    int[] outShape = shape.clone();
    outShape[axis] = newSize;
    float[] out = new float[outShape[0] * outShape[1] * outShape[2]];
    int oldSize = shape[axis];
    int[] lo = new int[newSize];
    int[] hi = new int[newSize];
    float[] frac = new float[newSize];
    double scale = (double) oldSize / newSize;
    for (int i = 0; i < newSize; i++) {
      double src = Math.max((i + 0.5) * scale - 0.5, 0);
      lo[i] = Math.min((int) Math.floor(src), oldSize - 1);
      hi[i] = Math.min(lo[i] + 1, oldSize - 1);
      frac[i] = (float) (src - lo[i]);
    }
    int inStride = axis == 2 ? 1 : axis == 1 ? shape[2] : shape[1] * shape[2];
    int outStride = axis == 2 ? 1 : axis == 1 ? outShape[2] : outShape[1] * outShape[2];
    for (int z = 0; z < outShape[0]; z++) {
      for (int y = 0; y < outShape[1]; y++) {
        for (int x = 0; x < outShape[2]; x++) {
          int[] idx = {z, y, x};
          int i = idx[axis];
          idx[axis] = 0;
          int inBase = (idx[0] * shape[1] + idx[1]) * shape[2] + idx[2];
          int outIndex = ((z * outShape[1]) + y) * outShape[2] + x;
          float a = in[inBase + lo[i] * inStride];
          float b = in[inBase + hi[i] * inStride];
          out[outIndex] = a + frac[i] * (b - a);
        }
      }
    }
    return out;
  }

  /** Nearest-neighbour resize of a label map (source index {@code floor((i+0.5)·scale)}). */
  public static int[] resizeNearest(int[] labels, int[] from, int[] to) {
    int[] out = new int[to[0] * to[1] * to[2]];
    int[][] map = new int[3][];
    for (int a = 0; a < 3; a++) {
      map[a] = new int[to[a]];
      for (int i = 0; i < to[a]; i++) {
        map[a][i] = Math.min((int) Math.floor((i + 0.5) * from[a] / to[a]), from[a] - 1);
      }
    }
    for (int z = 0, o = 0; z < to[0]; z++) {
      for (int y = 0; y < to[1]; y++) {
        int base = (map[0][z] * from[1] + map[1][y]) * from[2];
        for (int x = 0; x < to[2]; x++, o++) {
          out[o] = labels[base + map[2][x]];
        }
      }
    }
    return out;
  }
}
