package io.distillery.segpipeline;

import java.util.Arrays;
import java.util.Locale;

/**
 * A request's choice of post-processing: {@code default} applies what the model card records
 * ({@link io.distillery.segml.checkpoint.ModelCard#effectivePostprocessing}); {@code none} applies
 * nothing (argmax on the model's grid, nearest neighbour back onto the input grid, every component
 * kept), e.g. to compare with the raw network output.
 */
public enum PostprocessMode {
  /** The model card's post-processing. */
  DEFAULT,
  /** No post-processing. */
  NONE;

  /** The request parameter value: {@code default} or {@code none}. */
  public String value() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Parses a request parameter; null or blank is {@link #DEFAULT}.
   *
   * @throws IllegalArgumentException naming the accepted values
   */
  public static PostprocessMode parse(String value) {
    if (value == null || value.isBlank()) {
      return DEFAULT;
    }
    for (PostprocessMode m : values()) {
      if (m.value().equals(value.trim())) {
        return m;
      }
    }
    throw new IllegalArgumentException(
        "postprocess must be one of "
            + Arrays.stream(values()).map(PostprocessMode::value).toList()
            + ": "
            + value);
  }
}
