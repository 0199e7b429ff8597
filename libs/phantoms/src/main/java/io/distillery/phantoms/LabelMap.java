package io.distillery.phantoms;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Which label value each {@link Organ} gets in a phantom's label map (0 = background or not
 * labelled). Organs may share a value (both kidneys as one "kidney") when they share the name.
 *
 * <p>Presets: {@link #standard()} (liver 1, spleen 2, kidneys 3, pancreas 4), {@link
 * #ctMrFourOrgan()} (liver 1, right kidney 2, left kidney 3, spleen 4 — the convention of {@code
 * btcv-ct-4organ} and {@code chaos-mr}; pancreas unlabelled), {@link #binary} (one structure = 1,
 * like the single-organ folders {@code btcv-liver} …) and {@link #unlabelled()}.
 */
public final class LabelMap {

  private final Map<Organ, Integer> values;
  private final SortedMap<Integer, String> names;

  private LabelMap(Map<Organ, Integer> values, SortedMap<Integer, String> names) {
    this.values = Collections.unmodifiableMap(values);
    this.names = Collections.unmodifiableSortedMap(names);
  }

  /**
   * A custom map.
   *
   * @param values label value per organ (1..255; organs left out are unlabelled)
   * @param names name per label value; every used value needs one, 0 is "background"
   * @throws IllegalArgumentException on values outside 1..255 or a value without a name
   */
  public static LabelMap of(Map<Organ, Integer> values, Map<Integer, String> names) {
    EnumMap<Organ, Integer> v = new EnumMap<>(Organ.class);
    SortedMap<Integer, String> n = new TreeMap<>();
    n.put(0, "background");
    for (Map.Entry<Organ, Integer> e : values.entrySet()) {
      int value = e.getValue();
      if (value < 1 || value > 255) {
        throw new IllegalArgumentException(
            "label value of " + e.getKey() + " must be in 1..255, got " + value);
      }
      String name = names.get(value);
      if (name == null || name.isBlank()) {
        throw new IllegalArgumentException("label value " + value + " has no name");
      }
      v.put(e.getKey(), value);
      n.put(value, name);
    }
    return new LabelMap(v, n);
  }

  /** Liver 1, spleen 2, kidney (both sides) 3, pancreas 4. */
  public static LabelMap standard() {
    return of(
        Map.of(
            Organ.LIVER, 1,
            Organ.SPLEEN, 2,
            Organ.RIGHT_KIDNEY, 3,
            Organ.LEFT_KIDNEY, 3,
            Organ.PANCREAS, 4),
        Map.of(1, "liver", 2, "spleen", 3, "kidney", 4, "pancreas"));
  }

  /** Liver 1, right kidney 2, left kidney 3, spleen 4 (the CT/MR 4-organ convention). */
  public static LabelMap ctMrFourOrgan() {
    return of(
        Map.of(Organ.LIVER, 1, Organ.RIGHT_KIDNEY, 2, Organ.LEFT_KIDNEY, 3, Organ.SPLEEN, 4),
        Map.of(1, "liver", 2, "right_kidney", 3, "left_kidney", 4, "spleen"));
  }

  /**
   * A binary map: the given organs are 1 (named {@code name}), everything else 0 — e.g. {@code
   * binary("kidney", RIGHT_KIDNEY, LEFT_KIDNEY)}.
   */
  public static LabelMap binary(String name, Organ... organs) {
    if (organs.length == 0) {
      throw new IllegalArgumentException("a binary label map needs at least one organ");
    }
    EnumMap<Organ, Integer> v = new EnumMap<>(Organ.class);
    for (Organ o : organs) {
      v.put(o, 1);
    }
    return of(v, Map.of(1, name));
  }

  /** The binary map of one organ, named after it. */
  public static LabelMap binary(Organ organ) {
    return binary(organ.labelName(), organ);
  }

  /** No organ labelled (all voxels 0). */
  public static LabelMap unlabelled() {
    return of(Map.of(), Map.of());
  }

  /** The label value of {@code organ}, 0 when it is not labelled. */
  public int value(Organ organ) {
    return values.getOrDefault(organ, 0);
  }

  /** Value → name, including 0 → "background". */
  public SortedMap<Integer, String> names() {
    return names;
  }

  @Override
  public String toString() {
    return "LabelMap" + values;
  }
}
