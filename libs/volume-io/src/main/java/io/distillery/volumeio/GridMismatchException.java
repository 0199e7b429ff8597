package io.distillery.volumeio;

/** Two volumes that must share a voxel grid (an image and its label map) do not. */
public class GridMismatchException extends VolumeException {
  private static final long serialVersionUID = 1L;

  public GridMismatchException(String message) {
    super(message);
  }
}
