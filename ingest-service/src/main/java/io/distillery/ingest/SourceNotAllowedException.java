package io.distillery.ingest;

/**
 * An import names a source the service is not allowed to read (an {@code s3://} location outside
 * the configured ones): refused with 403; the message names the setting.
 */
public class SourceNotAllowedException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public SourceNotAllowedException(String message) {
    super(message);
  }
}
