package io.distillery.inference;

import ai.djl.ndarray.NDManager;
import io.distillery.segml.checkpoint.ModelCard;
import io.distillery.segml.engine.InferenceEngine;
import io.distillery.segml.inferers.WindowPredictor;
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
 * One loaded version of a published model: its card, one window predictor per modality (norm set)
 * and the engine running them. Reference-counted: the registry holds one reference while the
 * version is served and every request holds one through a {@link ModelLease}; the predictors, the
 * network's native memory and the downloaded files are released when the last reference goes, so a
 * version retired while requests are in flight is closed only after they finish.
 */
public final class LoadedModel {

  private static final Logger LOG = Logger.getLogger(LoadedModel.class);

  private final String name;
  private final String version;
  private final ModelCard card;
  private final InferenceEngine engine;
  private final Map<String, WindowPredictor> predictorsByModality;
  private final Map<InferenceEngine, String> skippedEngines;
  private final NDManager manager;
  private final Path directory;
  private final Instant loadedAt = Instant.now();
  private final AtomicInteger references = new AtomicInteger(1);
  private final AtomicInteger inFlight = new AtomicInteger();

  /**
   * @param name model name
   * @param version model version
   * @param card model card (preprocessing, labels, modalities)
   * @param engine engine of the predictors
   * @param predictorsByModality predictor per modality name of the card (NCDHW windows)
   * @param skippedEngines why each preferred engine was not used
   * @param manager native memory of the Java network (closed with the model), or null
   * @param directory downloaded files (deleted with the model), or null
   */
  public LoadedModel(
      String name,
      String version,
      ModelCard card,
      InferenceEngine engine,
      Map<String, WindowPredictor> predictorsByModality,
      Map<InferenceEngine, String> skippedEngines,
      NDManager manager,
      Path directory) {
    this.name = name;
    this.version = version;
    this.card = card;
    this.engine = engine;
    this.predictorsByModality = Map.copyOf(predictorsByModality);
    this.skippedEngines = Map.copyOf(skippedEngines);
    this.manager = manager;
    this.directory = directory;
  }

  public String name() {
    return name;
  }

  public String version() {
    return version;
  }

  public ModelCard card() {
    return card;
  }

  public InferenceEngine engine() {
    return engine;
  }

  public Map<InferenceEngine, String> skippedEngines() {
    return skippedEngines;
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
    return card.modalities();
  }

  /**
   * The predictor for {@code modality}; null picks the card's first modality.
   *
   * @throws UnknownModalityException when the model has no such modality
   */
  public WindowPredictor predictor(String modality) {
    String m = modality == null || modality.isBlank() ? card.modalities().get(0) : modality;
    WindowPredictor p = predictorsByModality.get(m);
    if (p == null) {
      throw new UnknownModalityException(
          "model " + name + "@" + version + " has no modality " + m + "; it has " + modalities());
    }
    return p;
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
    for (WindowPredictor p : predictorsByModality.values()) {
      try {
        p.close();
      } catch (RuntimeException e) {
        LOG.warnf("closing a predictor of %s@%s failed: %s", name, version, e.getMessage());
      }
    }
    if (manager != null) {
      manager.close();
    }
    if (directory != null) {
      deleteTree(directory);
    }
    LOG.infof("model %s@%s closed", name, version);
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
    return name + "@" + version + " (" + engine.djlName() + ")";
  }
}
