package io.distillery.trainer;

import java.util.List;

/** A job specification was refused; {@link #reasons()} names every problem found. */
public class InvalidJobSpecException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final List<String> reasons;

  public InvalidJobSpecException(List<String> reasons) {
    super("invalid job spec: " + String.join("; ", reasons));
    this.reasons = List.copyOf(reasons);
  }

  /** The individual problems, each a full sentence naming the field. */
  public List<String> reasons() {
    return reasons;
  }
}
