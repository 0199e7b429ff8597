package io.distillery.teacher.service;

import ai.djl.ndarray.NDManager;
import io.distillery.contracts.ObjectRef;
import io.distillery.objectstore.ObjectStore;
import io.distillery.segml.checkpoint.Checkpoint;
import io.distillery.segml.checkpoint.IntensityNormalization;
import io.distillery.segml.engine.EngineSelector;
import io.distillery.segml.engine.InferenceEngine;
import io.distillery.segml.engine.OnnxModelWindowPredictor;
import io.distillery.segml.inferers.SlidingWindowInferer;
import io.distillery.segml.inferers.WindowPredictor;
import io.distillery.teacher.RegisteredTeacher;
import io.distillery.teacher.SoftLabels;
import io.distillery.teacher.TeacherFeatures;
import io.distillery.teacher.TeacherManifest;
import io.distillery.teacher.TeacherOutputs;
import io.distillery.volumeio.Grid;
import io.distillery.volumeio.Volume;
import io.distillery.volumeio.intensity.Intensity;
import io.distillery.volumeio.orientation.Orientation;
import io.distillery.volumeio.resample.Resampler;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a teacher on a canonical volume: RAS orientation, trilinear resampling to the teacher's
 * spacing, the declared intensity normalisation, Gaussian-blended sliding-window inference (seg-ml
 * {@link SlidingWindowInferer}), then softmax at the declared temperature. Models are downloaded
 * (digest verified) and opened once per teacher version and kept open.
 *
 * <p>Engines: an {@code onnx} teacher runs on ONNX Runtime; a {@code djl} teacher goes through
 * seg-ml's {@link EngineSelector} (TensorRT when a fixed-shape export and a GPU exist, else ONNX
 * Runtime on its {@code .onnx}, else DJL PyTorch on the Java network). A teacher that declares a
 * {@code featureTap} runs on ONNX Runtime through a {@link FeatureWindowPredictor}, which returns
 * the logits and the declared feature output from one pass.
 */
public final class TeacherRunner implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(TeacherRunner.class);

  private final ObjectStore store;
  private final int threads;
  private final int windowsPerBatch;
  private final Path workDir;
  private final Map<String, LoadedModel> models = new ConcurrentHashMap<>();

  /**
   * @param store where the model files are
   * @param threads intra-op threads of the engines
   * @param windowsPerBatch sliding windows per engine call
   */
  public TeacherRunner(ObjectStore store, int threads, int windowsPerBatch) {
    this.store = store;
    this.threads = threads;
    this.windowsPerBatch = windowsPerBatch;
    try {
      this.workDir = Files.createTempDirectory("distillery-teachers-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the teacher model cache directory", e);
    }
  }

  /**
   * The teacher's soft labels of one volume.
   *
   * @param image canonical image as ingested
   */
  public SoftLabels run(RegisteredTeacher teacher, Volume image) {
    return outputs(teacher, image).softLabels();
  }

  /**
   * The teacher's soft labels and, when its manifest declares a {@code featureTap}, its feature map
   * of one volume, both from the same sliding-window pass.
   *
   * @param image canonical image as ingested
   */
  public TeacherOutputs outputs(RegisteredTeacher teacher, Volume image) {
    LoadedModel model =
        models.computeIfAbsent(teacher.id() + "/" + teacher.version(), k -> open(teacher));
    synchronized (model) { // DJL predictors are not thread-safe
      return outputs(teacher.manifest(), image, model.predictor(), windowsPerBatch);
    }
  }

  /** The engine that runs a teacher (opens it if needed). */
  public InferenceEngine engineOf(RegisteredTeacher teacher) {
    return models
        .computeIfAbsent(teacher.id() + "/" + teacher.version(), k -> open(teacher))
        .engine();
  }

  /**
   * Preprocessing, sliding-window inference and tempered softmax of {@code manifest} on {@code
   * image} with {@code predictor}; the stored channels only.
   */
  public static SoftLabels softLabels(
      TeacherManifest manifest, Volume image, WindowPredictor predictor, int windowsPerBatch) {
    return outputs(manifest, image, predictor, windowsPerBatch).softLabels();
  }

  /**
   * Like {@link #softLabels}; when {@code predictor} returns more channels than the manifest has
   * classes (a {@link FeatureWindowPredictor}), the extra channels are the declared feature map,
   * blended by the same sliding-window weights and returned unchanged (no softmax).
   */
  public static TeacherOutputs outputs(
      TeacherManifest manifest, Volume image, WindowPredictor predictor, int windowsPerBatch) {
    Volume resampled = Resampler.toSpacing(Orientation.canonical(image), manifest.spacingXyz());
    float[] input = normalise(resampled, manifest.normalisation());
    Grid g = resampled.grid();
    int[] dhw = {g.nz(), g.ny(), g.nx()};
    SlidingWindowInferer inferer =
        SlidingWindowInferer.builder()
            .setRoiSize(manifest.roiDhw())
            .optOverlap(manifest.overlap())
            .optWindowsPerBatch(windowsPerBatch)
            .build();
    float[] stitched = inferer.infer(input, dhw, predictor);
    int classes = manifest.outputClasses().size();
    int featureChannels = predictor.outChannels() - classes;
    float[] logits =
        featureChannels == 0
            ? stitched
            : java.util.Arrays.copyOf(stitched, Math.multiplyExact(classes, g.size()));
    float[] probabilities =
        softmax(
            logits, classes, g.size(), manifest.temperature(), manifest.effectiveStoredChannels());
    int[] shapeXyz = {g.nx(), g.ny(), g.nz()};
    SoftLabels labels =
        new SoftLabels(probabilities, shapeXyz, g.spacing(), manifest.storedChannelNames());
    TeacherFeatures features = null;
    if (featureChannels > 0) {
      // Channel-major layout (K×voxels): the feature channels follow the class logits.
      float[] data = java.util.Arrays.copyOfRange(stitched, classes * g.size(), stitched.length);
      features =
          new TeacherFeatures(
              manifest.featureTap(), data, featureChannels, shapeXyz.clone(), g.spacing());
    }
    return new TeacherOutputs(labels, features);
  }

  /** The manifest's intensity normalisation applied to voxel values (x fastest). */
  public static float[] normalise(Volume v, IntensityNormalization n) {
    if ("zscore".equals(n.method())) {
      return Intensity.zScore(v).data();
    }
    return Intensity.clipAndStandardise(
            v, (float) n.clipLow(), (float) n.clipHigh(), (float) n.mean(), (float) n.std())
        .data();
  }

  /**
   * softmax(logits / T) over {@code classes} channels of {@code voxels} voxels each (layout
   * K×voxels), keeping the {@code keep} channels in order. Max-subtracted for stability.
   */
  public static float[] softmax(
      float[] logits, int classes, int voxels, double temperature, List<Integer> keep) {
    if (logits.length != (long) classes * voxels) {
      throw new IllegalArgumentException(
          logits.length + " logits do not fill " + classes + " channels of " + voxels + " voxels");
    }
    float[] out = new float[keep.size() * voxels];
    double[] e = new double[classes];
    for (int i = 0; i < voxels; i++) {
      double max = Double.NEGATIVE_INFINITY;
      for (int k = 0; k < classes; k++) {
        e[k] = logits[k * voxels + i] / temperature;
        max = Math.max(max, e[k]);
      }
      double sum = 0;
      for (int k = 0; k < classes; k++) {
        e[k] = Math.exp(e[k] - max);
        sum += e[k];
      }
      for (int j = 0; j < keep.size(); j++) {
        out[j * voxels + i] = (float) (e[keep.get(j)] / sum);
      }
    }
    return out;
  }

  private LoadedModel open(RegisteredTeacher teacher) {
    TeacherManifest m = teacher.manifest();
    Path dir = workDir.resolve(teacher.id()).resolve(teacher.version());
    Path onnx =
        m.files().containsKey(TeacherManifest.ONNX)
            ? download(teacher, TeacherManifest.ONNX, dir, "model.onnx")
            : null;
    int classes = m.outputClasses().size();
    if (m.featureTap() != null) {
      // The manifest guarantees an ONNX file; the declared tap is one of its outputs.
      FeatureWindowPredictor p =
          new FeatureWindowPredictor(onnx, classes, m.featureTap(), threads, m.roiDhw());
      LOG.info(
          "teacher {}/{} runs on ONNX Runtime with feature output {} ({} channels)",
          teacher.id(),
          teacher.version(),
          m.featureTap(),
          p.featureChannels());
      return new LoadedModel(p, InferenceEngine.ONNX_RUNTIME, null);
    }
    if ("onnx".equals(m.format()) || !m.files().containsKey(TeacherManifest.PARAMS)) {
      WindowPredictor p = OnnxModelWindowPredictor.onnxRuntime(onnx, 1, classes, threads);
      LOG.info("teacher {}/{} runs on ONNX Runtime", teacher.id(), teacher.version());
      return new LoadedModel(p, InferenceEngine.ONNX_RUNTIME, null);
    }
    download(teacher, TeacherManifest.PARAMS, dir, Checkpoint.PARAMS_FILE);
    download(teacher, TeacherManifest.MODEL_CARD, dir, Checkpoint.CARD_FILE);
    NDManager manager = NDManager.newBaseManager(InferenceEngine.PYTORCH.djlName());
    Checkpoint.Loaded loaded = Checkpoint.load(dir, manager);
    if (loaded.network().outChannels() != classes) {
      manager.close();
      throw new io.distillery.teacher.InvalidManifestException(
          "model card of "
              + teacher.id()
              + " has "
              + loaded.network().outChannels()
              + " outputs, the manifest names "
              + classes);
    }
    EngineSelector.Selection selection =
        EngineSelector.select(
            new EngineSelector.Models(
                onnx,
                null,
                0,
                null,
                loaded.network(),
                loaded.card().normSetOf(m.modality()),
                threads));
    return new LoadedModel(selection.predictor(), selection.engine(), manager);
  }

  private Path download(RegisteredTeacher teacher, String role, Path dir, String fileName) {
    ObjectRef ref = teacher.files().get(role);
    Path target = dir.resolve(fileName);
    try {
      Files.createDirectories(dir);
      try (InputStream in = store.get(ref.bucket(), ref.key(), !ref.sha256().isEmpty())) {
        Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot download " + ref.key() + " to " + target, e);
    }
    return target;
  }

  /** Closes every open model. */
  @Override
  public void close() {
    models.values().forEach(LoadedModel::close);
    models.clear();
  }

  private record LoadedModel(WindowPredictor predictor, InferenceEngine engine, NDManager manager)
      implements AutoCloseable {
    @Override
    public void close() {
      predictor.close();
      if (manager != null) {
        manager.close();
      }
    }
  }
}
