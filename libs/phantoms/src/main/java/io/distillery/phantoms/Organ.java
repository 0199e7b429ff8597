package io.distillery.phantoms;

/**
 * The labelled organs of an {@link AbdominalPhantom}, with their nominal unenhanced CT attenuation.
 * Sides are the patient's: in the RAS+ world frame of the phantom (+x towards the patient's right,
 * +y anterior, +z superior) the liver and the right kidney lie at +x, the spleen and the left
 * kidney at −x.
 */
public enum Organ {
  /** Patient's right upper abdomen (+x, anterior, superior); about 60 HU. */
  LIVER("liver", 60),
  /** Patient's left upper abdomen (−x, posterior, superior); about 50 HU. */
  SPLEEN("spleen", 50),
  /** Right kidney (+x, posterior, a little lower than the left); cortex about 30 HU. */
  RIGHT_KIDNEY("right_kidney", 30),
  /** Left kidney (−x, posterior); cortex about 30 HU. */
  LEFT_KIDNEY("left_kidney", 30),
  /** Head right of the midline near the duodenum, tail towards the splenic hilum; about 40 HU. */
  PANCREAS("pancreas", 40);

  private final String labelName;
  private final float nominalHu;

  Organ(String labelName, float nominalHu) {
    this.labelName = labelName;
    this.nominalHu = nominalHu;
  }

  /** The name used in label maps and {@code dataset.json} (as in {@code ../shared/data}). */
  public String labelName() {
    return labelName;
  }

  /** Nominal attenuation in HU before per-case jitter and noise. */
  public float nominalHu() {
    return nominalHu;
  }
}
