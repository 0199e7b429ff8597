package io.distillery.ingest;

/** A request names an unknown modality, split, dataset id, or similar; the message says which. */
public class InvalidRequestException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public InvalidRequestException(String message) {
    super(message);
  }
}
