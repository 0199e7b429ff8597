package io.distillery.inference.service;

import io.distillery.contracts.ObjectRef;
import io.distillery.inference.LoadedModel;
import io.distillery.objectstore.ObjectStore;
import io.distillery.segml.engine.InferenceEngine;
import io.distillery.segpipeline.ModelFiles;
import io.distillery.segpipeline.ModelLoadException;
import io.distillery.segpipeline.ModelOpener;
import io.distillery.segpipeline.SegmentationModel;
import io.distillery.segpipeline.TensorRtCache;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Downloads a published model's files (SHA-256 checked against the event's references) into a
 * directory of their own, laid out as {@link ModelFiles} says, and opens it with the shared {@link
 * ModelOpener} (engine choice: TensorRT, ONNX Runtime, DJL PyTorch).
 */
public final class ModelLoader {

  private static final Logger LOG = Logger.getLogger(ModelLoader.class);

  private final ObjectStore store;
  private final Path modelRoot;
  private final ModelOpener opener;

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
    this.opener = new ModelOpener(order, threads, windowsPerBatch, tensorRt);
  }

  /** Downloads and opens {@code name@version} from its file references (role → object). */
  public LoadedModel load(String name, String version, Map<String, ObjectRef> files) {
    if (!files.containsKey(ModelFiles.CARD) || !files.containsKey(ModelFiles.PARAMS)) {
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
    try {
      for (Map.Entry<String, ObjectRef> f : files.entrySet()) {
        String fileName;
        try {
          fileName = ModelFiles.fileName(f.getKey());
        } catch (IllegalArgumentException e) {
          continue; // a role this service does not use
        }
        download(f.getValue(), dir.resolve(fileName));
      }
      SegmentationModel model = opener.open(name, version, dir);
      return new LoadedModel(model, dir);
    } catch (RuntimeException | Error e) {
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
