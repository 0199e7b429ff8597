package io.distillery.segml.inferers;

public interface WindowPredictor extends AutoCloseable {
  int inChannels();

  int outChannels();

  float[] predict(float[] windows, int batch, int[] roiDHW);

  @Override
  default void close() {}
}
