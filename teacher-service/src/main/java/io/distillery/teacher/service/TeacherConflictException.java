package io.distillery.teacher.service;

/**
 * A teacher version is already registered with another manifest or model; versions are immutable.
 */
public class TeacherConflictException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public TeacherConflictException(String message) {
    super(message);
  }
}
