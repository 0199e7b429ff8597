package io.distillery.contracts;

/**
 * An event payload or its headers do not satisfy the contract. The message says what is wrong and
 * is suitable as a dead-letter reason.
 */
public class InvalidEventException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public InvalidEventException(String message) {
    super(message);
  }

  public InvalidEventException(String message, Throwable cause) {
    super(message, cause);
  }
}
