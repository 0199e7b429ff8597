package io.distillery.segml.inferers;

import java.util.Arrays;
import java.util.BitSet;

/**
 * Keeps, for each foreground class, only its largest 26-connected components (one, or as many as
 * asked per class: two for a pair of organs); other voxels of that class become background (0).
 * Label map {@code D×H×W}, W fastest.
 *
 * <p>Two breadth-first passes, O(voxels): the first measures every component (a visited bit per
 * voxel, a queue as long as the largest component), the second erases the components not kept by
 * flooding them again from their first voxel. Nothing else of input size is allocated, so the
 * filter runs on full-resolution label maps. Among components of equal size the one whose first
 * voxel (in W-fastest order) comes first is kept.
 */
public final class LargestConnectedComponent {
  private LargestConnectedComponent() {}

  /** Returns a copy of {@code labels} with only the largest component of each class. */
  public static int[] apply(int[] labels, int depth, int height, int width) {
    return apply(labels, depth, height, width, null);
  }

  /**
   * Returns a copy of {@code labels} with the {@code componentsToKeep} largest components of each
   * class (see {@link #keepLargest}).
   */
  public static int[] apply(
      int[] labels, int depth, int height, int width, int[] componentsToKeep) {
    short[] packed = new short[labels.length];
    for (int i = 0; i < labels.length; i++) {
      int l = labels[i];
      if (l < 0 || l > 0xFFFF) {
        throw new IllegalArgumentException("label " + l + " at " + i + " is not in [0, 65535]");
      }
      packed[i] = (short) l;
    }
    keepLargest(packed, depth, height, width, componentsToKeep);
    int[] out = new int[labels.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = Short.toUnsignedInt(packed[i]);
    }
    return out;
  }

  /**
   * Filters {@code labels} (unsigned 16-bit classes) in place.
   *
   * @param componentsToKeep per class index, how many of its largest components to keep; a class
   *     whose entry is below 1 is left untouched; null or a class beyond the array: 1
   */
  public static void keepLargest(
      short[] labels, int depth, int height, int width, int[] componentsToKeep) {
    int n = Math.multiplyExact(Math.multiplyExact(depth, height), width);
    if (labels.length != n) {
      throw new IllegalArgumentException("labels have " + labels.length + " voxels, expected " + n);
    }
    Flood flood = new Flood(labels, depth, height, width);
    BitSet visited = new BitSet(n);
    IntList seeds = new IntList();
    IntList sizes = new IntList();
    for (int seed = visited.nextClearBit(0); seed < n; seed = visited.nextClearBit(seed + 1)) {
      int c = Short.toUnsignedInt(labels[seed]);
      if (c == 0 || keep(componentsToKeep, c) < 1) {
        continue;
      }
      seeds.add(seed);
      sizes.add(flood.fill(seed, c, visited, false));
    }
    boolean[] kept = chooseKept(labels, seeds, sizes, componentsToKeep);
    for (int k = 0; k < seeds.size; k++) {
      if (!kept[k]) {
        int seed = seeds.get(k);
        flood.fill(seed, Short.toUnsignedInt(labels[seed]), null, true);
      }
    }
  }

  private static int keep(int[] componentsToKeep, int c) {
    return componentsToKeep == null || c >= componentsToKeep.length ? 1 : componentsToKeep[c];
  }

  /** Per class, marks its {@code keep} largest components (ties: earlier seed) as kept. */
  private static boolean[] chooseKept(
      short[] labels, IntList seeds, IntList sizes, int[] componentsToKeep) {
    Integer[] order = new Integer[seeds.size];
    for (int k = 0; k < order.length; k++) {
      order[k] = k;
    }
    // Largest first; seeds were found in increasing voxel order, so index order breaks ties.
    Arrays.sort(
        order, (a, b) -> sizes.get(a) != sizes.get(b) ? sizes.get(b) - sizes.get(a) : a - b);
    boolean[] kept = new boolean[seeds.size];
    int[] keptPerClass = new int[65536];
    for (int k : order) {
      int c = Short.toUnsignedInt(labels[seeds.get(k)]);
      if (keptPerClass[c] < keep(componentsToKeep, c)) {
        keptPerClass[c]++;
        kept[k] = true;
      }
    }
    return kept;
  }

  /** Breadth-first flood of one component over the 26 neighbours. */
  private static final class Flood {
    private final short[] labels;
    private final int depth;
    private final int height;
    private final int width;
    private final IntList queue = new IntList();

    Flood(short[] labels, int depth, int height, int width) {
      this.labels = labels;
      this.depth = depth;
      this.height = height;
      this.width = width;
    }

    /**
     * Floods the component of class {@code c} containing {@code seed}: marks it in {@code visited}
     * (first pass) or sets it to 0 (second pass, {@code erase}; a voxel already 0 is not of the
     * class any more, which is how the erasing pass avoids revisits). Returns its size.
     */
    int fill(int seed, int c, BitSet visited, boolean erase) {
      int plane = height * width;
      short cls = (short) c;
      queue.size = 0;
      queue.add(seed);
      mark(seed, visited, erase);
      for (int head = 0; head < queue.size; head++) {
        int v = queue.get(head);
        int z = v / plane;
        int y = (v / width) % height;
        int x = v % width;
        for (int zz = Math.max(0, z - 1); zz <= Math.min(depth - 1, z + 1); zz++) {
          for (int yy = Math.max(0, y - 1); yy <= Math.min(height - 1, y + 1); yy++) {
            for (int xx = Math.max(0, x - 1); xx <= Math.min(width - 1, x + 1); xx++) {
              int u = zz * plane + yy * width + xx;
              if (labels[u] == cls && (erase || !visited.get(u))) {
                mark(u, visited, erase);
                queue.add(u);
              }
            }
          }
        }
      }
      return queue.size;
    }

    private void mark(int v, BitSet visited, boolean erase) {
      if (erase) {
        labels[v] = 0;
      } else {
        visited.set(v);
      }
    }
  }

  /** A growable int array (no boxing on the voxel path). */
  private static final class IntList {
    private int[] values = new int[64];
    private int size;

    void add(int v) {
      if (size == values.length) {
        values = Arrays.copyOf(values, values.length * 2);
      }
      values[size++] = v;
    }

    int get(int i) {
      return values[i];
    }
  }
}
