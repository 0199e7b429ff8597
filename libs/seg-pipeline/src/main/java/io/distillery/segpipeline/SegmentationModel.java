package io.distillery.segpipeline;

import ai.djl.ndarray.NDManager;
import io.distillery.segml.checkpoint.ModelCard;
import io.distillery.segml.engine.InferenceEngine;
import io.distillery.segml.inferers.WindowPredictor;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A published model opened for inference (by {@link ModelOpener}): its card, one window predictor
 * per modality (norm set; NCDHW windows) and the engine running them. {@link #close()} releases the
 * predictors and the Java network's native memory; it is the owner's job to call it once no
 * segmentation uses the model any more (the inference-service counts references for that).
 */
public final class SegmentationModel implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(SegmentationModel.class);

  private final String name;
  private final String version;
  private final ModelCard card;
  private final InferenceEngine engine;
  private final Map<String, WindowPredictor> predictorsByModality;
  private final Map<InferenceEngine, String> skippedEngines;
  private final NDManager manager;
  private final AtomicBoolean closed = new AtomicBoolean();

  /**
   * @param name model name
   * @param version model version
   * @param card model card (preprocessing, labels, modalities)
   * @param engine engine of the predictors
   * @param predictorsByModality predictor per modality name of the card (NCDHW windows)
   * @param skippedEngines why each preferred engine was not used
   * @param manager native memory of the Java network (closed with the model), or null
   */
  public SegmentationModel(
      String name,
      String version,
      ModelCard card,
      InferenceEngine engine,
      Map<String, WindowPredictor> predictorsByModality,
      Map<InferenceEngine, String> skippedEngines,
      NDManager manager) {
    this.name = name;
    this.version = version;
    this.card = card;
    this.engine = engine;
    this.predictorsByModality = Map.copyOf(predictorsByModality);
    this.skippedEngines = Map.copyOf(skippedEngines);
    this.manager = manager;
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

  /** Modalities (norm sets) the model serves, in card order. */
  public List<String> modalities() {
    return card.modalities();
  }

  /**
   * The predictor for {@code modality}; null or blank picks the card's first modality.
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

  /** Closes the predictors and the network's native memory; later calls do nothing. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    for (WindowPredictor p : predictorsByModality.values()) {
      try {
        p.close();
      } catch (RuntimeException e) {
        LOG.warn("closing a predictor of {}@{} failed: {}", name, version, e.getMessage());
      }
    }
    if (manager != null) {
      manager.close();
    }
  }

  @Override
  public String toString() {
    return name + "@" + version + " (" + engine.djlName() + ")";
  }
}
