package io.distillery.servicekit;

/**
 * An error that reaches a REST client as {@code application/problem+json} (RFC 9457) with the given
 * status, title and detail.
 */
public class ProblemException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final int status;
  private final String title;

  public ProblemException(int status, String title, String detail) {
    super(detail);
    this.status = status;
    this.title = title;
  }

  public int status() {
    return status;
  }

  public String title() {
    return title;
  }
}
