package io.distillery.segml.inferers;

/**
 * Keeps, for each foreground class, only its largest 26-connected component; other voxels of that
 * class become background (0). BFS on int arrays, O(voxels). Label map {@code D×H×W}, W fastest.
 */
public final class LargestConnectedComponent {
  private LargestConnectedComponent() {}

  /** Returns a filtered copy of {@code labels}. */
  public static int[] apply(int[] labels, int depth, int height, int width) {
    int n = depth * height * width;
    if (labels.length != n) {
      throw new IllegalArgumentException("labels have " + labels.length + " voxels, expected " + n);
    }
    int[] component = new int[n]; // 0 = unvisited, else component id
    int[] queue = new int[n];
    int maxClass = 0;
    for (int l : labels) {
      maxClass = Math.max(maxClass, l);
    }
    int[] bestId = new int[maxClass + 1];
    int[] bestSize = new int[maxClass + 1];
    int next = 0;
    int plane = height * width;
    for (int seed = 0; seed < n; seed++) {
      int c = labels[seed];
      if (c == 0 || component[seed] != 0) {
        continue;
      }
      int id = ++next;
      int head = 0;
      int tail = 0;
      queue[tail++] = seed;
      component[seed] = id;
      while (head < tail) {
        int v = queue[head++];
        int z = v / plane;
        int y = (v / width) % height;
        int x = v % width;
        for (int dz = -1; dz <= 1; dz++) {
          int zz = z + dz;
          if (zz < 0 || zz >= depth) {
            continue;
          }
          for (int dy = -1; dy <= 1; dy++) {
            int yy = y + dy;
            if (yy < 0 || yy >= height) {
              continue;
            }
            for (int dx = -1; dx <= 1; dx++) {
              int xx = x + dx;
              if (xx < 0 || xx >= width) {
                continue;
              }
              int u = zz * plane + yy * width + xx;
              if (labels[u] == c && component[u] == 0) {
                component[u] = id;
                queue[tail++] = u;
              }
            }
          }
        }
      }
      if (tail > bestSize[c]) {
        bestSize[c] = tail;
        bestId[c] = id;
      }
    }
    int[] out = new int[n];
    for (int i = 0; i < n; i++) {
      int c = labels[i];
      out[i] = c != 0 && component[i] == bestId[c] ? c : 0;
    }
    return out;
  }
}
