package io.distillery.segml.transforms;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What a left–right mirror (a flip of the patch's x axis, W in NCDHW, the patient's right–left axis
 * of an RAS-canonical volume) does to the classes: a mirrored right kidney is a left kidney. {@link
 * #of(List)} pairs classes named {@code right_X}/{@code left_X} (also {@code X_right}/{@code
 * X_left}, case-insensitive) and maps each to the other when x is mirrored.
 *
 * <p>Where the classes cannot be swapped (soft labels and feature maps travel as image channels,
 * whose order a label map cannot change), {@link #forbidding()} keeps x unmirrored instead.
 */
public final class LateralMirror {
  private static final LateralMirror NONE = new LateralMirror(null, false);

  private final short[] swap;
  private final boolean forbidX;

  private LateralMirror(short[] swap, boolean forbidX) {
    this.swap = swap;
    this.forbidX = forbidX;
  }

  /** No lateralised classes: x mirrors like any other axis. */
  public static LateralMirror none() {
    return NONE;
  }

  /** Pairs the lateralised classes of {@code classNames} (index = label value). */
  public static LateralMirror of(List<String> classNames) {
    short[] map = new short[classNames.size()];
    boolean any = false;
    for (int c = 0; c < map.length; c++) {
      map[c] = (short) c;
      Optional<String> partner = partner(classNames.get(c));
      if (partner.isPresent()) {
        for (int d = 0; d < classNames.size(); d++) {
          if (classNames.get(d).toLowerCase(Locale.ROOT).equals(partner.get())) {
            map[c] = (short) d;
            any = true;
          }
        }
      }
    }
    return any ? new LateralMirror(map, false) : NONE;
  }

  /** The name of the other side's class, lower case, if {@code name} names a side. */
  static Optional<String> partner(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    String[][] sides = {{"right_", "left_"}, {"left_", "right_"}};
    for (String[] s : sides) {
      if (n.startsWith(s[0])) {
        return Optional.of(s[1] + n.substring(s[0].length()));
      }
      String suffix = "_" + s[0].substring(0, s[0].length() - 1);
      if (n.endsWith(suffix)) {
        return Optional.of(
            n.substring(0, n.length() - suffix.length())
                + "_"
                + s[1].substring(0, s[1].length() - 1));
      }
    }
    return Optional.empty();
  }

  /** Whether some classes have a partner on the other side. */
  public boolean lateralised() {
    return swap != null;
  }

  /** This mirror, but with x never mirrored when the classes are lateralised. */
  public LateralMirror forbidding() {
    return lateralised() ? new LateralMirror(swap, true) : this;
  }

  /** Whether x may be mirrored at all. */
  public boolean allowsX() {
    return !forbidX;
  }

  /** The label after an x mirror. */
  public short apply(short label) {
    return swap == null || label < 0 || label >= swap.length ? label : swap[label];
  }
}
