package io.distillery.volumeio;

import java.util.Locale;

/**
 * Imaging modality of a volume; NIfTI does not record it, so it comes from the dataset description.
 */
public enum Modality {
  CT,
  MR,
  PT,
  US,
  UNKNOWN;

  /**
   * Maps a free-form channel name such as {@code "CT"}, {@code "MRI"}, {@code "T2"} or {@code
   * "noNorm"} (nnU-Net's {@code channel_names}) to a modality; anything unrecognised is {@link
   * #UNKNOWN}.
   */
  public static Modality fromChannelName(String name) {
    String n = name == null ? "" : name.trim().toUpperCase(Locale.ROOT);
    if (n.equals("CT")) {
      return CT;
    }
    if (n.startsWith("MR")
        || n.equals("T1")
        || n.equals("T2")
        || n.startsWith("T1")
        || n.startsWith("T2")
        || n.equals("FLAIR")
        || n.equals("ADC")) {
      return MR;
    }
    if (n.equals("PT") || n.equals("PET")) {
      return PT;
    }
    if (n.equals("US")) {
      return US;
    }
    return UNKNOWN;
  }
}
