package io.distillery.ingest.service;

import io.distillery.volumeio.Grid;
import io.distillery.volumeio.LabelVolume;
import io.distillery.volumeio.Volume;
import jakarta.enterprise.context.ApplicationScoped;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import javax.imageio.ImageIO;

/**
 * Renders a PNG preview of a canonical (RAS) volume: axial, coronal and sagittal slices through the
 * labelled region's centre (or the volume's centre), side by side, in radiological convention
 * (patient right on the image's left, anterior and superior up), scaled to physical aspect, with
 * the label map overlaid in colour.
 */
@ApplicationScoped
public class PreviewRenderer {

  /** Longest side of one panel, in pixels. */
  static final int PANEL = 256;

  private static final Color[] PALETTE = {
    new Color(230, 60, 60), new Color(60, 180, 75), new Color(255, 225, 25),
    new Color(0, 130, 200), new Color(245, 130, 48), new Color(145, 30, 180),
    new Color(70, 240, 240), new Color(240, 50, 230), new Color(210, 245, 60),
    new Color(250, 190, 212), new Color(0, 128, 128), new Color(220, 190, 255),
    new Color(170, 110, 40)
  };

  /** Renders the preview; {@code label} may be null. */
  public byte[] render(Volume image, LabelVolume label) {
    Grid g = image.grid();
    int[] centre = centre(g, label);
    float[] window = window(image.data());
    double[] sp = g.spacing();
    BufferedImage axial =
        panel(
            image,
            label,
            window,
            g.nx(),
            g.ny(),
            sp[0],
            sp[1],
            (u, v) -> g.index(g.nx() - 1 - u, g.ny() - 1 - v, centre[2]));
    BufferedImage coronal =
        panel(
            image,
            label,
            window,
            g.nx(),
            g.nz(),
            sp[0],
            sp[2],
            (u, v) -> g.index(g.nx() - 1 - u, centre[1], g.nz() - 1 - v));
    BufferedImage sagittal =
        panel(
            image,
            label,
            window,
            g.ny(),
            g.nz(),
            sp[1],
            sp[2],
            (u, v) -> g.index(centre[0], g.ny() - 1 - u, g.nz() - 1 - v));

    BufferedImage out = new BufferedImage(3 * PANEL, PANEL, BufferedImage.TYPE_INT_RGB);
    Graphics2D gfx = out.createGraphics();
    gfx.setRenderingHint(
        RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
    int x = 0;
    for (BufferedImage p : new BufferedImage[] {axial, coronal, sagittal}) {
      gfx.drawImage(p, x + (PANEL - p.getWidth()) / 2, (PANEL - p.getHeight()) / 2, null);
      x += PANEL;
    }
    gfx.dispose();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try {
      ImageIO.write(out, "png", bytes);
    } catch (IOException e) {
      throw new UncheckedIOException("PNG encoding failed", e);
    }
    return bytes.toByteArray();
  }

  private interface SliceIndex {
    int at(int u, int v);
  }

  private static BufferedImage panel(
      Volume image,
      LabelVolume label,
      float[] window,
      int nu,
      int nv,
      double su,
      double sv,
      SliceIndex index) {
    double scale = PANEL / Math.max(nu * su, nv * sv);
    int w = Math.max(1, (int) Math.round(nu * su * scale));
    int h = Math.max(1, (int) Math.round(nv * sv * scale));
    BufferedImage p = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    float[] data = image.data();
    float lo = window[0];
    float range = Math.max(1e-6f, window[1] - window[0]);
    for (int py = 0; py < h; py++) {
      int v = Math.min(nv - 1, (int) (py / (sv * scale)));
      for (int px = 0; px < w; px++) {
        int u = Math.min(nu - 1, (int) (px / (su * scale)));
        int i = index.at(u, v);
        int grey = Math.round(255f * Math.min(1f, Math.max(0f, (data[i] - lo) / range)));
        int r = grey;
        int gr = grey;
        int b = grey;
        if (label != null) {
          int l = label.label(i);
          if (l > 0) {
            Color c = PALETTE[(l - 1) % PALETTE.length];
            r = (int) (0.55 * grey + 0.45 * c.getRed());
            gr = (int) (0.55 * grey + 0.45 * c.getGreen());
            b = (int) (0.55 * grey + 0.45 * c.getBlue());
          }
        }
        p.setRGB(px, py, (r << 16) | (gr << 8) | b);
      }
    }
    return p;
  }

  /** Voxel at the centre of the labelled region, or of the volume when there is none. */
  private static int[] centre(Grid g, LabelVolume label) {
    if (label != null) {
      long sx = 0;
      long sy = 0;
      long sz = 0;
      long n = 0;
      for (int z = 0; z < g.nz(); z++) {
        for (int y = 0; y < g.ny(); y++) {
          for (int x = 0; x < g.nx(); x++) {
            if (label.label(g.index(x, y, z)) > 0) {
              sx += x;
              sy += y;
              sz += z;
              n++;
            }
          }
        }
      }
      if (n > 0) {
        return new int[] {(int) (sx / n), (int) (sy / n), (int) (sz / n)};
      }
    }
    return new int[] {g.nx() / 2, g.ny() / 2, g.nz() / 2};
  }

  /** 1st and 99th intensity percentiles of a strided sample: robust to outliers, cheap. */
  private static float[] window(float[] data) {
    int stride = Math.max(1, data.length / 200_000);
    float[] sample = new float[(data.length + stride - 1) / stride];
    for (int i = 0, j = 0; i < data.length; i += stride, j++) {
      sample[j] = data[i];
    }
    Arrays.sort(sample);
    return new float[] {
      sample[(int) (0.01 * (sample.length - 1))], sample[(int) (0.99 * (sample.length - 1))]
    };
  }
}
