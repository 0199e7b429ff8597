package io.distillery.volumeio.orientation;

import io.distillery.volumeio.Affine;
import io.distillery.volumeio.Grid;
import io.distillery.volumeio.LabelVolume;
import io.distillery.volumeio.Volume;
import java.util.Locale;

/**
 * Voxel-order codes and reorientation. A code names, for each voxel axis, the world direction in
 * which the index grows: {@code R}/{@code L} (+x/−x), {@code A}/{@code P} (+y/−y), {@code S}/{@code
 * I} (+z/−z), as nibabel's {@code aff2axcodes}. {@code "RAS"} is canonical; BTCV and CHAOS files
 * are {@code "LAS"}.
 */
public final class Orientation {
  /** Canonical voxel order. */
  public static final String RAS = "RAS";

  private static final String POSITIVE = "RAS";
  private static final String NEGATIVE = "LPI";

  private Orientation() {}

  /**
   * Axis codes of an affine: each voxel axis is assigned the world axis its direction is closest
   * to, greedily by the largest absolute direction cosine, so oblique scans get their nearest code.
   */
  public static String axcodes(Affine a) {
    int[] world = new int[3];
    boolean[] positive = new boolean[3];
    assign(a, world, positive);
    char[] c = new char[3];
    for (int j = 0; j < 3; j++) {
      c[j] = positive[j] ? POSITIVE.charAt(world[j]) : NEGATIVE.charAt(world[j]);
    }
    return new String(c);
  }

  /** Axis codes of a grid's affine. */
  public static String axcodes(Grid g) {
    return axcodes(g.affine());
  }

  /** The transform that brings {@code g} to voxel order {@code target} (e.g. {@code "LPS"}). */
  public static AxisTransform transformTo(Grid g, String target) {
    int[] targetWorld = new int[3];
    boolean[] targetPositive = new boolean[3];
    parse(target, targetWorld, targetPositive);
    int[] world = new int[3];
    boolean[] positive = new boolean[3];
    assign(g.affine(), world, positive);
    int[] perm = new int[3];
    boolean[] flip = new boolean[3];
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 3; j++) {
        if (world[j] == targetWorld[i]) {
          perm[i] = j;
          flip[i] = positive[j] != targetPositive[i];
        }
      }
    }
    return new AxisTransform(perm, flip);
  }

  /** The transform to canonical RAS; its {@link AxisTransform#inverse()} brings results back. */
  public static AxisTransform toCanonical(Grid g) {
    return transformTo(g, RAS);
  }

  /** {@code v} in RAS voxel order. */
  public static Volume canonical(Volume v) {
    return toCanonical(v.grid()).apply(v);
  }

  /** {@code v} in RAS voxel order. */
  public static LabelVolume canonical(LabelVolume v) {
    return toCanonical(v.grid()).apply(v);
  }

  private static void parse(String codes, int[] world, boolean[] positive) {
    String c = codes.toUpperCase(Locale.ROOT);
    if (c.length() != 3) {
      throw new IllegalArgumentException("orientation code needs 3 letters: " + codes);
    }
    boolean[] used = new boolean[3];
    for (int i = 0; i < 3; i++) {
      int p = POSITIVE.indexOf(c.charAt(i));
      int n = NEGATIVE.indexOf(c.charAt(i));
      int w = p >= 0 ? p : n;
      if (w < 0 || used[w]) {
        throw new IllegalArgumentException("invalid orientation code " + codes);
      }
      used[w] = true;
      world[i] = w;
      positive[i] = p >= 0;
    }
  }

  private static void assign(Affine a, int[] world, boolean[] positive) {
    double[] norm = a.spacing();
    boolean[] rowUsed = new boolean[3];
    boolean[] colUsed = new boolean[3];
    for (int round = 0; round < 3; round++) {
      int bestR = -1;
      int bestC = -1;
      double best = -1;
      for (int r = 0; r < 3; r++) {
        for (int c = 0; c < 3; c++) {
          if (!rowUsed[r] && !colUsed[c]) {
            double v = Math.abs(a.get(r, c)) / norm[c];
            if (v > best) {
              best = v;
              bestR = r;
              bestC = c;
            }
          }
        }
      }
      rowUsed[bestR] = true;
      colUsed[bestC] = true;
      world[bestC] = bestR;
      positive[bestC] = a.get(bestR, bestC) > 0;
    }
  }
}
