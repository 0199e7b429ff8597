package io.distillery.segpipeline;

/** A segmentation could not be computed from the given input. */
public class SegmentationFailedException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public SegmentationFailedException(String message) {
    super(message);
  }

  public SegmentationFailedException(String message, Throwable cause) {
    super(message, cause);
  }
}
