package io.distillery.tools;

/** Wrong command-line arguments; the message says which and why. */
public final class UsageException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public UsageException(String message) {
    super(message);
  }
}
