package io.distillery.inference.service;

import ai.djl.ndarray.NDManager;
import io.distillery.contracts.ObjectRef;
import io.distillery.inference.LoadedModel;
import io.distillery.inference.ModelLoadException;
import io.distillery.objectstore.ObjectStore;
import io.distillery.segml.checkpoint.Checkpoint;
import io.distillery.segml.checkpoint.ModelCard;
import io.distillery.segml.engine.EngineSelector;
import io.distillery.segml.engine.InferenceEngine;
import io.distillery.segml.export.OnnxExporter;
import io.distillery.segml.inferers.WindowPredictor;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Downloads a published model's files (SHA-256 checked against the event's references) and opens
 * one window predictor per modality: TensorRT on the fixed-shape export when this node has a GPU
 * and TensorRT, else ONNX Runtime on the published {@code .onnx}, else DJL PyTorch on the network
 * rebuilt from {@code model.params} (see {@link EngineSelector}).
 *
 * <p>File roles, as the student-trainer publishes them: {@code params}, {@code modelCard}, and
 * {@code onnx} (one modality) or {@code onnx-<modality>} (one per norm set).
 */
public final class ModelLoader {

  private static final Logger LOG = Logger.getLogger(ModelLoader.class);

  private final ObjectStore store;
  private final Path modelRoot;
  private final TensorRtCache tensorRt;
  private final List<InferenceEngine> order;
  private final int threads;
  private final int windowsPerBatch;

  /**
   * @param store object store holding the files
   * @param modelRoot directory for downloads (one sub-directory per version)
   * @param tensorRt TensorRT cache
   * @param order engine preference
   * @param threads intra-op threads per session
   * @param windowsPerBatch batch of the fixed-shape (TensorRT) export
   */
  public ModelLoader(
      ObjectStore store,
      Path modelRoot,
      TensorRtCache tensorRt,
      List<InferenceEngine> order,
      int threads,
      int windowsPerBatch) {
    this.store = store;
    this.modelRoot = modelRoot;
    this.tensorRt = tensorRt;
    this.order = List.copyOf(order);
    this.threads = threads;
    this.windowsPerBatch = windowsPerBatch;
  }

  /** Parses an engine list such as {@code "TensorRT,OnnxRuntime,PyTorch"}. */
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

  /** Downloads and opens {@code name@version} from its file references. */
  public LoadedModel load(String name, String version, Map<String, ObjectRef> files) {
    ObjectRef cardRef = files.get("modelCard");
    ObjectRef paramsRef = files.get("params");
    if (cardRef == null || paramsRef == null) {
      throw new ModelLoadException(
          name + "@" + version + " lacks the params or modelCard file; roles: " + files.keySet());
    }
    Path dir;
    try {
      Files.createDirectories(modelRoot);
      dir = Files.createTempDirectory(modelRoot, TensorRtCache.safe(name + "-" + version) + "-");
    } catch (IOException e) {
      throw new ModelLoadException("cannot create a directory under " + modelRoot, e);
    }
    NDManager manager = null;
    Map<String, WindowPredictor> predictors = new LinkedHashMap<>();
    try {
      download(cardRef, dir.resolve(Checkpoint.CARD_FILE));
      download(paramsRef, dir.resolve(Checkpoint.PARAMS_FILE));
      manager = NDManager.newBaseManager(InferenceEngine.PYTORCH.djlName());
      Checkpoint.Loaded loaded = Checkpoint.load(dir, manager);
      ModelCard card = loaded.card();
      Map<InferenceEngine, String> skipped = new EnumMap<>(InferenceEngine.class);
      InferenceEngine used = null;
      boolean networkNeeded = false;
      for (int set = 0; set < card.modalities().size(); set++) {
        String modality = card.modalities().get(set);
        ObjectRef onnxRef =
            files.getOrDefault(
                "onnx-" + modality, card.modalities().size() == 1 ? files.get("onnx") : null);
        Path onnx = null;
        if (onnxRef != null) {
          onnx = download(onnxRef, dir.resolve("model-" + TensorRtCache.safe(modality) + ".onnx"));
        }
        List<InferenceEngine> engines = new ArrayList<>(order);
        Path fixed = null;
        int[] roi = card.preprocessing().roiSize();
        if (engines.contains(InferenceEngine.TENSORRT)) {
          Optional<String> key = tensorRt.localKey();
          if (key.isPresent()) {
            fixed =
                tensorRt.fixedShapeOnnx(key.get(), name, version, modality, windowsPerBatch, roi);
            if (!Files.isRegularFile(fixed)) {
              OnnxExporter.exportFixedShape(loaded.network(), set, windowsPerBatch, roi, fixed);
            }
          } else {
            engines.remove(InferenceEngine.TENSORRT);
            skipped.put(InferenceEngine.TENSORRT, tensorRt.whyNoKey());
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
      LOG.infof(
          "model %s@%s loaded on %s (modalities %s; skipped %s)",
          name, version, used.djlName(), card.modalities(), skipped);
      if (!networkNeeded) {
        // ONNX Runtime / TensorRT hold their own copies; free the Java network's native memory.
        manager.close();
        manager = null;
      }
      return new LoadedModel(name, version, card, used, predictors, skipped, manager, dir);
    } catch (RuntimeException | Error e) {
      predictors.values().forEach(WindowPredictor::close);
      if (manager != null) {
        manager.close();
      }
      deleteQuietly(dir);
      if (e instanceof ModelLoadException m) {
        throw m;
      }
      throw new ModelLoadException(
          "cannot load model " + name + "@" + version + ": " + e.getMessage(), e);
    }
  }

  private Path download(ObjectRef ref, Path target) {
    MessageDigest sha = sha256();
    try (InputStream in = new DigestInputStream(store.get(ref.bucket(), ref.key(), true), sha);
        OutputStream out = Files.newOutputStream(target)) {
      in.transferTo(out);
    } catch (IOException e) {
      throw new ModelLoadException("cannot download " + ref.key() + ": " + e.getMessage(), e);
    }
    String actual = HexFormat.of().formatHex(sha.digest());
    if (!ref.sha256().isBlank() && !ref.sha256().equalsIgnoreCase(actual)) {
      throw new ModelLoadException(
          "SHA-256 of " + ref.key() + " is " + actual + ", the event says " + ref.sha256());
    }
    return target;
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every JVM", e);
    }
  }

  private static void deleteQuietly(Path dir) {
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      LOG.warnf("cannot delete %s: %s", dir, e.getMessage());
    }
  }
}
