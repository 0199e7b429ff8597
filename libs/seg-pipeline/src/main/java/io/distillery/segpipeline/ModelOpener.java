package io.distillery.segpipeline;

import ai.djl.ndarray.NDManager;
import io.distillery.segml.checkpoint.Checkpoint;
import io.distillery.segml.checkpoint.ModelCard;
import io.distillery.segml.engine.EngineSelector;
import io.distillery.segml.engine.InferenceEngine;
import io.distillery.segml.export.OnnxExporter;
import io.distillery.segml.inferers.WindowPredictor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens a model directory (the files of {@link ModelFiles}) as a {@link SegmentationModel}: one
 * window predictor per modality, on TensorRT (fixed-shape export, cached per GPU model and TensorRT
 * version by {@link TensorRtCache}) when this node has a GPU and TensorRT, else ONNX Runtime on the
 * published {@code .onnx}, else DJL PyTorch on the network rebuilt from {@code model.params} (see
 * {@link EngineSelector}). Each predictor runs one engine call at a time (DJL predictors are not
 * thread-safe and one call already uses every intra-op thread).
 */
public final class ModelOpener {

  /** The inference-service's default engine preference (its {@code engines} setting). */
  public static final String DEFAULT_ENGINE_ORDER = "TensorRT,OnnxRuntime,PyTorch";

  /** The inference-service's default intra-op threads per session (its {@code threads}). */
  public static final String DEFAULT_THREADS = "2";

  private static final Logger LOG = LoggerFactory.getLogger(ModelOpener.class);

  private final List<InferenceEngine> order;
  private final int threads;
  private final int windowsPerBatch;
  private final TensorRtCache tensorRt;

  /**
   * @param order engine preference
   * @param threads intra-op threads per ONNX Runtime session
   * @param windowsPerBatch batch of the fixed-shape (TensorRT) export
   * @param tensorRt TensorRT cache, or null to skip TensorRT
   */
  public ModelOpener(
      List<InferenceEngine> order, int threads, int windowsPerBatch, TensorRtCache tensorRt) {
    if (order.isEmpty()) {
      throw new IllegalArgumentException("at least one engine is needed");
    }
    this.order = List.copyOf(order);
    this.threads = threads;
    this.windowsPerBatch = windowsPerBatch;
    this.tensorRt = tensorRt;
  }

  /** Parses an engine list such as {@code "TensorRT,OnnxRuntime,PyTorch"} (case-insensitive). */
  public static List<InferenceEngine> parseOrder(String names) {
    List<InferenceEngine> out = new ArrayList<>();
    for (String n : names.split(",")) {
      String name = n.trim();
      InferenceEngine engine = null;
      for (InferenceEngine e : InferenceEngine.values()) {
        if (e.djlName().equalsIgnoreCase(name) || e.name().equalsIgnoreCase(name)) {
          engine = e;
        }
      }
      if (engine == null) {
        throw new IllegalArgumentException(
            "unknown engine '" + name + "'; use TensorRT, OnnxRuntime or PyTorch");
      }
      out.add(engine);
    }
    return out;
  }

  /**
   * Opens the model in {@code dir} ({@code model-card.json}, {@code model.params} and the ONNX
   * exports named by {@link ModelFiles}); the weights' SHA-256 is checked against the card.
   *
   * @throws ModelLoadException when a file is missing or malformed, or no engine can run it
   */
  public SegmentationModel open(String name, String version, Path dir) {
    for (String file : List.of(Checkpoint.CARD_FILE, Checkpoint.PARAMS_FILE)) {
      if (!Files.isRegularFile(dir.resolve(file))) {
        throw new ModelLoadException(name + "@" + version + ": " + dir + " has no " + file);
      }
    }
    NDManager manager = null;
    Map<String, WindowPredictor> predictors = new LinkedHashMap<>();
    try {
      manager = NDManager.newBaseManager(InferenceEngine.PYTORCH.djlName());
      Checkpoint.Loaded loaded = Checkpoint.load(dir, manager);
      ModelCard card = loaded.card();
      Map<InferenceEngine, String> skipped = new EnumMap<>(InferenceEngine.class);
      InferenceEngine used = null;
      boolean networkNeeded = false;
      for (int set = 0; set < card.modalities().size(); set++) {
        String modality = card.modalities().get(set);
        Path onnx = ModelFiles.onnxFile(dir, card, modality);
        List<InferenceEngine> engines = new ArrayList<>(order);
        Path fixed = null;
        int[] roi = card.preprocessing().roiSize();
        if (engines.contains(InferenceEngine.TENSORRT)) {
          Optional<String> key = tensorRt == null ? Optional.empty() : tensorRt.localKey();
          if (key.isPresent()) {
            fixed =
                tensorRt.fixedShapeOnnx(key.get(), name, version, modality, windowsPerBatch, roi);
            if (!Files.isRegularFile(fixed)) {
              OnnxExporter.exportFixedShape(loaded.network(), set, windowsPerBatch, roi, fixed);
            }
          } else {
            engines.remove(InferenceEngine.TENSORRT);
            skipped.put(
                InferenceEngine.TENSORRT,
                tensorRt == null ? "no TensorRT cache directory given" : tensorRt.whyNoKey());
          }
        }
        EngineSelector.Selection selection =
            EngineSelector.select(
                new EngineSelector.Models(
                    onnx, fixed, windowsPerBatch, roi, loaded.network(), set, threads),
                engines);
        selection.failures().forEach(skipped::putIfAbsent);
        predictors.put(modality, new SerialWindowPredictor(selection.predictor()));
        used = used == null ? selection.engine() : used;
        networkNeeded |= selection.engine() == InferenceEngine.PYTORCH;
      }
      LOG.info(
          "model {}@{} opened on {} (modalities {}; skipped {})",
          name,
          version,
          used.djlName(),
          card.modalities(),
          skipped);
      if (!networkNeeded) {
        // ONNX Runtime / TensorRT hold their own copies; free the Java network's native memory.
        manager.close();
        manager = null;
      }
      return new SegmentationModel(name, version, card, used, predictors, skipped, manager);
    } catch (RuntimeException | Error e) {
      predictors.values().forEach(WindowPredictor::close);
      if (manager != null) {
        manager.close();
      }
      if (e instanceof ModelLoadException m) {
        throw m;
      }
      throw new ModelLoadException(
          "cannot load model " + name + "@" + version + ": " + e.getMessage(), e);
    }
  }
}
