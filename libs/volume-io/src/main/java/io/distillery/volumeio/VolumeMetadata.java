package io.distillery.volumeio;

import java.util.Map;
import java.util.TreeMap;

/**
 * Where a volume came from. {@code freeText} holds the NIfTI free-text fields ({@code descrip},
 * {@code aux_file}, {@code intent_name}) only when a reader was asked to keep them: they may carry
 * patient data, so by default they are neither read nor written; {@link #withoutFreeText()} strips
 * them.
 *
 * @param sourceFormat e.g. {@code "NIfTI-1"}, {@code "NIfTI-2"} or {@code "memory"}
 * @param sourceDataType the on-disk datatype name (e.g. {@code "int16"}), or {@code "float32"}
 * @param freeText free-text header fields by NIfTI field name; empty unless explicitly requested
 */
public record VolumeMetadata(
    String sourceFormat, String sourceDataType, Map<String, String> freeText) {

  /** Metadata of a volume built in memory. */
  public static final VolumeMetadata MEMORY = new VolumeMetadata("memory", "float32", Map.of());

  public VolumeMetadata {
    freeText = Map.copyOf(new TreeMap<>(freeText));
  }

  /** The same metadata with every free-text field removed. */
  public VolumeMetadata withoutFreeText() {
    return new VolumeMetadata(sourceFormat, sourceDataType, Map.of());
  }
}
