package io.distillery.segml.engine;

/**
 * Thread counts of the native engines. They must be set before an engine first loads, so callers
 * set them at start-up; on a 2-core machine intra-op = cores and inter-op = 1 avoids
 * over-subscription.
 */
public final class EngineThreads {

  private EngineThreads() {}

  /**
   * Sets DJL PyTorch's intra-/inter-op threads (system properties read when the engine loads)
   * unless already set, and returns the intra-op count that ONNX Runtime sessions should use.
   */
  public static int configure(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be positive: " + threads);
    }
    System.setProperty("ai.djl.offline", System.getProperty("ai.djl.offline", "true"));
    if (System.getProperty("ai.djl.pytorch.num_threads") == null) {
      System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
    }
    if (System.getProperty("ai.djl.pytorch.num_interop_threads") == null) {
      System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
    }
    return threads;
  }
}
