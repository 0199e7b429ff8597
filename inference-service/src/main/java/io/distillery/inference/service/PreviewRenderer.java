package io.distillery.inference.service;

import io.distillery.volumeio.Grid;
import io.distillery.volumeio.LabelVolume;
import io.distillery.volumeio.Volume;
import io.distillery.volumeio.intensity.Percentiles;
import io.distillery.volumeio.orientation.Orientation;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * Three orthogonal PNG slices (axial, coronal, sagittal) of an image with its label map overlaid,
 * through the centroid of the foreground (the volume centre when empty). Both are shown in RAS with
 * radiological conventions (patient right on the viewer's left, anterior and superior up), pixels
 * stretched to physical aspect; grey levels span the 0.5–99.5th intensity percentiles.
 */
public final class PreviewRenderer {

  /** Overlay colours by class index (background has none); repeats after the last. */
  public static final int[] PALETTE = {
    0x000000, 0xE6194B, 0x3CB44B, 0xFFE119, 0x4363D8, 0xF58231, 0x911EB4, 0x46F0F0, 0xF032E6,
    0xBCF60C, 0xFABEBE, 0x008080, 0xE6BEFF, 0x9A6324, 0xFFFAC8
  };

  private static final double ALPHA = 0.45;
  private static final double TARGET_MM_PER_PIXEL = 1.0;

  private PreviewRenderer() {}

  /** CSS colour of a class, as the previews draw it. */
  public static String colour(int label) {
    return String.format("#%06X", PALETTE[1 + (label - 1) % (PALETTE.length - 1)]);
  }

  /** PNG bytes by view name {@code axial}, {@code coronal}, {@code sagittal}. */
  public static Map<String, byte[]> render(Volume image, LabelVolume labels) {
    Volume ras = Orientation.canonical(image);
    LabelVolume seg = Orientation.canonical(labels);
    Grid g = ras.grid();
    int[] c = centroid(seg);
    float[] data = ras.data();
    double[] window = Percentiles.of(data, 0.5, 99.5);
    float lo = (float) window[0];
    float hi = (float) window[1];
    if (!(hi > lo)) {
      hi = lo + 1;
    }
    double[] s = g.spacing();
    Map<String, byte[]> out = new LinkedHashMap<>();
    // axial: columns x (flipped: right on the left), rows y (flipped: anterior up), at z
    out.put(
        "axial",
        slice(
            ras,
            seg,
            g.nx(),
            g.ny(),
            s[0],
            s[1],
            (u, v) -> g.index(g.nx() - 1 - u, g.ny() - 1 - v, c[2]),
            lo,
            hi));
    // coronal: columns x (flipped), rows z (flipped: superior up), at y
    out.put(
        "coronal",
        slice(
            ras,
            seg,
            g.nx(),
            g.nz(),
            s[0],
            s[2],
            (u, v) -> g.index(g.nx() - 1 - u, c[1], g.nz() - 1 - v),
            lo,
            hi));
    // sagittal: columns y (flipped: anterior on the left), rows z (flipped), at x
    out.put(
        "sagittal",
        slice(
            ras,
            seg,
            g.ny(),
            g.nz(),
            s[1],
            s[2],
            (u, v) -> g.index(c[0], g.ny() - 1 - u, g.nz() - 1 - v),
            lo,
            hi));
    return out;
  }

  private interface PixelIndex {
    int at(int u, int v);
  }

  private static byte[] slice(
      Volume image,
      LabelVolume seg,
      int width,
      int height,
      double spacingU,
      double spacingV,
      PixelIndex index,
      float lo,
      float hi) {
    int outW = Math.max(1, (int) Math.round(width * spacingU / TARGET_MM_PER_PIXEL));
    int outH = Math.max(1, (int) Math.round(height * spacingV / TARGET_MM_PER_PIXEL));
    BufferedImage png = new BufferedImage(outW, outH, BufferedImage.TYPE_INT_RGB);
    float[] data = image.data();
    short[] labels = seg.data();
    for (int y = 0; y < outH; y++) {
      int v = Math.min(height - 1, (int) ((y + 0.5) * height / outH));
      for (int x = 0; x < outW; x++) {
        int u = Math.min(width - 1, (int) ((x + 0.5) * width / outW));
        int i = index.at(u, v);
        double grey = Math.max(0, Math.min(1, (data[i] - lo) / (hi - lo))) * 255;
        int label = Short.toUnsignedInt(labels[i]);
        int r = (int) grey;
        int gr = (int) grey;
        int b = (int) grey;
        if (label > 0) {
          Color col = new Color(PALETTE[1 + (label - 1) % (PALETTE.length - 1)]);
          r = (int) ((1 - ALPHA) * grey + ALPHA * col.getRed());
          gr = (int) ((1 - ALPHA) * grey + ALPHA * col.getGreen());
          b = (int) ((1 - ALPHA) * grey + ALPHA * col.getBlue());
        }
        png.setRGB(x, y, (r << 16) | (gr << 8) | b);
      }
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try {
      ImageIO.write(png, "png", bytes);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode a PNG", e);
    }
    return bytes.toByteArray();
  }

  private static int[] centroid(LabelVolume seg) {
    Grid g = seg.grid();
    short[] d = seg.data();
    long sx = 0;
    long sy = 0;
    long sz = 0;
    long n = 0;
    for (int z = 0, i = 0; z < g.nz(); z++) {
      for (int y = 0; y < g.ny(); y++) {
        for (int x = 0; x < g.nx(); x++, i++) {
          if (d[i] != 0) {
            sx += x;
            sy += y;
            sz += z;
            n++;
          }
        }
      }
    }
    if (n == 0) {
      return new int[] {g.nx() / 2, g.ny() / 2, g.nz() / 2};
    }
    return new int[] {(int) (sx / n), (int) (sy / n), (int) (sz / n)};
  }
}
