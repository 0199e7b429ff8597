package io.distillery.segml.inferers;

/**
 * Predicts logits for a batch of equally sized windows. {@code windows} holds {@code
 * batch×inChannels×D×H×W} floats ({@code roiDHW} = D, H, W); the result holds {@code
 * batch×outChannels×D×H×W} logits. Implementations wrap DJL PyTorch, ONNX Runtime or TensorRT.
 */
public interface WindowPredictor extends AutoCloseable {
  /** Input channels per window. */
  int inChannels();

  /** Output channels (classes) per window. */
  int outChannels();

  /** Logits of {@code batch} windows of size {@code roiDHW}. */
  float[] predict(float[] windows, int batch, int[] roiDHW);

  @Override
  default void close() {}
}
