package io.distillery.volumeio.resample;

import io.distillery.volumeio.Affine;
import io.distillery.volumeio.Grid;
import io.distillery.volumeio.LabelVolume;
import io.distillery.volumeio.Volume;
import io.distillery.volumeio.Volumes;
import java.util.Arrays;
import java.util.Optional;

/**
 * Cropping and padding on the voxel grid (no interpolation). A box may reach outside the volume;
 * those voxels take a fill value. The affine origin moves to the box's first voxel so that every
 * kept voxel stays at its world position.
 */
public final class Crop {
  private Crop() {}

  /** The grid of {@code box} within {@code g}. */
  public static Grid grid(Grid g, BoundingBox box) {
    int[] s = box.start();
    int[] size = box.size();
    Affine a = g.affine();
    double[] o = a.apply(s[0], s[1], s[2]);
    double[] rows = a.rows3x4();
    rows[3] = o[0];
    rows[7] = o[1];
    rows[11] = o[2];
    return new Grid(size[0], size[1], size[2], Affine.of3x4(rows));
  }

  /**
   * {@code v} cropped (and padded with {@code fill} where the box leaves the volume) to {@code
   * box}.
   */
  public static Volume toBox(Volume v, BoundingBox box, float fill) {
    Grid g = v.grid();
    Grid out = grid(g, box);
    float[] src = v.data();
    float[] dst = new float[out.size()];
    if (fill != 0f) {
      Arrays.fill(dst, fill);
    }
    copy(g, out, box, (from, to, n) -> System.arraycopy(src, from, dst, to, n));
    return v.withGridAndData(out, dst);
  }

  /** {@code v} cropped (and padded with background 0) to {@code box}. */
  public static LabelVolume toBox(LabelVolume v, BoundingBox box) {
    Grid g = v.grid();
    Grid out = grid(g, box);
    short[] src = v.data();
    short[] dst = new short[out.size()];
    copy(g, out, box, (from, to, n) -> System.arraycopy(src, from, dst, to, n));
    return v.withGridAndData(out, dst);
  }

  /**
   * Centre crop or pad (with {@code fill}) to {@code shape}; odd differences put the extra voxel at
   * the end.
   */
  public static Volume centre(Volume v, float fill, int... shape) {
    return toBox(v, centreBox(v.grid(), shape), fill);
  }

  /** Centre crop or pad (with 0) to {@code shape}. */
  public static LabelVolume centre(LabelVolume v, int... shape) {
    return toBox(v, centreBox(v.grid(), shape));
  }

  private static BoundingBox centreBox(Grid g, int[] shape) {
    int[] s = new int[3];
    int[] e = new int[3];
    for (int i = 0; i < 3; i++) {
      s[i] = (g.dim(i) - shape[i]) / 2; // truncation toward zero: the odd voxel goes to the end
      e[i] = s[i] + shape[i];
    }
    return new BoundingBox(s, e);
  }

  /**
   * The image cropped to the bounding box of the label foreground, grown by {@code marginVoxels}
   * and clipped to the volume; the whole image when the labels are empty.
   */
  public static Volume toForeground(Volume image, LabelVolume labels, int marginVoxels) {
    Volumes.sameGrid(image, labels);
    Optional<BoundingBox> box = BoundingBox.ofForeground(labels);
    return box.map(b -> toBox(image, b.expand(marginVoxels).clipTo(image.grid()), 0f))
        .orElse(image);
  }

  /** The label map cropped like {@link #toForeground(Volume, LabelVolume, int)}. */
  public static LabelVolume toForeground(LabelVolume labels, int marginVoxels) {
    Optional<BoundingBox> box = BoundingBox.ofForeground(labels);
    return box.map(b -> toBox(labels, b.expand(marginVoxels).clipTo(labels.grid()))).orElse(labels);
  }

  private interface RowCopy {
    void copy(int from, int to, int n);
  }

  /** Copies the rows of the box that lie inside the source. */
  private static void copy(Grid g, Grid out, BoundingBox box, RowCopy rc) {
    int[] s = box.start();
    int x0 = Math.max(0, s[0]);
    int x1 = Math.min(g.nx(), s[0] + out.nx());
    if (x1 <= x0) {
      return;
    }
    for (int z = 0; z < out.nz(); z++) {
      int sz = s[2] + z;
      if (sz < 0 || sz >= g.nz()) {
        continue;
      }
      for (int y = 0; y < out.ny(); y++) {
        int sy = s[1] + y;
        if (sy < 0 || sy >= g.ny()) {
          continue;
        }
        rc.copy(g.index(x0, sy, sz), out.index(x0 - s[0], y, z), x1 - x0);
      }
    }
  }
}
