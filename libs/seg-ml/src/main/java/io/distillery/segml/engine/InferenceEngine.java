package io.distillery.segml.engine;

/** The engines that can run a network's sliding windows, in order of preference. */
public enum InferenceEngine {
  /** DJL TensorRT engine on the {@code .onnx}, fixed window shape (GPU only). */
  TENSORRT("TensorRT"),
  /** DJL ONNX Runtime engine on the {@code .onnx}. */
  ONNX_RUNTIME("OnnxRuntime"),
  /** DJL PyTorch engine running the Java-defined network. */
  PYTORCH("PyTorch");

  private final String djlName;

  InferenceEngine(String djlName) {
    this.djlName = djlName;
  }

  /** The DJL engine name. */
  public String djlName() {
    return djlName;
  }
}
