package io.distillery.segml.engine;

import io.distillery.segml.inferers.WindowPredictor;
import io.distillery.segml.networks.SegmentationNetwork;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Picks the inference engine: TensorRT (fixed-shape {@code .onnx}) → ONNX Runtime (dynamic {@code
 * .onnx}) → DJL PyTorch (the Java network). Each attempt catches {@link Throwable}: without a GPU,
 * DJL's TensorRT engine fails with {@link ExceptionInInitializerError} and later {@link
 * NoClassDefFoundError} although {@code Engine.hasEngine("TensorRT")} is true. The chosen engine is
 * logged and reported in {@link Selection}.
 */
public final class EngineSelector {

  private static final Logger LOG = LoggerFactory.getLogger(EngineSelector.class);

  /** The default preference order. */
  public static final List<InferenceEngine> DEFAULT_ORDER =
      List.of(InferenceEngine.TENSORRT, InferenceEngine.ONNX_RUNTIME, InferenceEngine.PYTORCH);

  private EngineSelector() {}

  /**
   * What a selection can run.
   *
   * @param onnx dynamic-shape export (for ONNX Runtime), or null
   * @param fixedShapeOnnx fixed-shape export (for TensorRT), or null
   * @param fixedBatch batch of the fixed-shape export
   * @param fixedRoi window (D, H, W) of the fixed-shape export
   * @param network initialised Java network (for PyTorch), or null
   * @param normSet norm set (modality) for the PyTorch network
   * @param threads intra-op threads for ONNX Runtime
   */
  public record Models(
      Path onnx,
      Path fixedShapeOnnx,
      int fixedBatch,
      int[] fixedRoi,
      SegmentationNetwork network,
      int normSet,
      int threads) {}

  /**
   * The outcome of a selection.
   *
   * @param predictor the predictor to use (caller closes it)
   * @param engine the engine that runs it
   * @param failures why each earlier engine was skipped
   */
  public record Selection(
      WindowPredictor predictor, InferenceEngine engine, Map<InferenceEngine, String> failures) {}

  /** Selects with {@link #DEFAULT_ORDER}. */
  public static Selection select(Models models) {
    return select(models, DEFAULT_ORDER);
  }

  /** Tries the engines in {@code order}; throws when none can run. */
  public static Selection select(Models models, List<InferenceEngine> order) {
    Map<InferenceEngine, String> failures = new EnumMap<>(InferenceEngine.class);
    for (InferenceEngine engine : order) {
      try {
        WindowPredictor predictor = open(engine, models);
        LOG.info("inference engine: {} (skipped: {})", engine.djlName(), failures.keySet());
        return new Selection(predictor, engine, Map.copyOf(failures));
      } catch (Throwable t) { // NOPMD: TensorRT fails with Errors, not Exceptions, without a GPU.
        String reason = describe(t);
        failures.put(engine, reason);
        LOG.warn("inference engine {} unavailable, falling back: {}", engine.djlName(), reason);
      }
    }
    throw new EngineUnavailableException("no inference engine could run the model: " + failures);
  }

  private static WindowPredictor open(InferenceEngine engine, Models models) {
    switch (engine) {
      case TENSORRT -> {
        require(models.fixedShapeOnnx(), "no fixed-shape ONNX export given");
        require(models.network(), "no network given (channel counts)");
        if (models.fixedRoi() == null || models.fixedRoi().length != 3) {
          throw new EngineUnavailableException(
              "fixed window shape required, got " + Arrays.toString(models.fixedRoi()));
        }
        return OnnxModelWindowPredictor.tensorRt(
            models.fixedShapeOnnx(),
            models.network().inChannels(),
            models.network().outChannels(),
            models.fixedBatch(),
            models.fixedRoi());
      }
      case ONNX_RUNTIME -> {
        require(models.onnx(), "no ONNX export given");
        require(models.network(), "no network given (channel counts)");
        return OnnxModelWindowPredictor.onnxRuntime(
            models.onnx(),
            models.network().inChannels(),
            models.network().outChannels(),
            models.threads());
      }
      case PYTORCH -> {
        require(models.network(), "no network given");
        return new DjlWindowPredictor(models.network(), models.normSet());
      }
      default -> throw new IllegalStateException("unknown engine " + engine);
    }
  }

  private static String describe(Throwable t) {
    StringBuilder reason = new StringBuilder();
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      reason.append(reason.length() == 0 ? "" : " <- ");
      reason.append(c.getClass().getSimpleName()).append(": ").append(c.getMessage());
    }
    return reason.toString();
  }

  private static void require(Object value, String message) {
    if (value == null) {
      throw new EngineUnavailableException(message);
    }
  }
}
