package io.distillery.inference;

import io.distillery.segml.checkpoint.ModelCard;
import io.distillery.segml.engine.InferenceEngine;
import io.distillery.segpipeline.SegmentationModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * One served version of a published model: the opened {@link SegmentationModel} plus its downloaded
 * files, reference-counted. The registry holds one reference while the version is served and every
 * request holds one through a {@link ModelLease}; the model (predictors, the network's native
 * memory) and the downloaded files are released when the last reference goes, so a version retired
 * while requests are in flight is closed only after they finish.
 */
public final class LoadedModel {

  private static final Logger LOG = Logger.getLogger(LoadedModel.class);

  private final SegmentationModel model;
  private final Path directory;
  private final Instant loadedAt = Instant.now();
  private final AtomicInteger references = new AtomicInteger(1);
  private final AtomicInteger inFlight = new AtomicInteger();

  /**
   * @param model the opened model (closed with this one)
   * @param directory downloaded files (deleted with the model), or null
   */
  public LoadedModel(SegmentationModel model, Path directory) {
    this.model = model;
    this.directory = directory;
  }

  /** The opened model, to run through the segmentation pipeline while a lease is held. */
  public SegmentationModel model() {
    return model;
  }

  public String name() {
    return model.name();
  }

  public String version() {
    return model.version();
  }

  public ModelCard card() {
    return model.card();
  }

  public InferenceEngine engine() {
    return model.engine();
  }

  public Map<InferenceEngine, String> skippedEngines() {
    return model.skippedEngines();
  }

  public Instant loadedAt() {
    return loadedAt;
  }

  /** Requests currently holding a lease on this version. */
  public int inFlight() {
    return inFlight.get();
  }

  /** Modalities (norm sets) the model serves, in card order. */
  public List<String> modalities() {
    return model.modalities();
  }

  /** Takes a reference unless the model is already closed; false means "look again". */
  boolean tryAcquire() {
    while (true) {
      int n = references.get();
      if (n == 0) {
        return false;
      }
      if (references.compareAndSet(n, n + 1)) {
        inFlight.incrementAndGet();
        return true;
      }
    }
  }

  /** Leases this version for one request, or null when it was closed meanwhile. */
  public ModelLease lease() {
    return tryAcquire() ? new ModelLease(this) : null;
  }

  void releaseLease() {
    inFlight.decrementAndGet();
    release();
  }

  /** Drops the registry's reference; closes now when no request holds the model. */
  public void retire() {
    release();
  }

  private void release() {
    if (references.decrementAndGet() == 0) {
      close();
    }
  }

  private void close() {
    model.close();
    if (directory != null) {
      deleteTree(directory);
    }
    LOG.infof("model %s@%s closed", name(), version());
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + dir, e);
    }
  }

  @Override
  public String toString() {
    return model.toString();
  }
}
