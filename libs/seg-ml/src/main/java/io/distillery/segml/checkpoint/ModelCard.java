package io.distillery.segml.checkpoint;

import io.distillery.segml.networks.NetworkSpec;
import java.util.List;
import java.util.Map;

/**
 * The JSON model card stored next to a model's {@code .params}: everything needed to rebuild and
 * run the model with nothing else. This is the contract between trainers, the teacher service and
 * the inference service.
 *
 * @param schemaVersion card format version, {@link #SCHEMA_VERSION}
 * @param name model name
 * @param architecture network architecture (rebuilds the network)
 * @param hyperParameters training hyper-parameters (loss, optimiser, learning rate, steps, KD
 *     weights…), free-form
 * @param preprocessing preprocessing to repeat at inference
 * @param postprocessing post-processing of the network's output at inference; null in cards written
 *     before the field existed, which keep their behaviour ({@link #effectivePostprocessing})
 * @param labelNames class names by output channel, background first; size = output channels
 * @param modalities norm-set names by index (e.g. {@code ["CT", "MR"]}); size = norm sets
 * @param trainingMetrics final training/validation metrics (e.g. {@code "val.dice.liver"})
 * @param paramsSha256 SHA-256 (hex) of the {@code .params} file, checked when loading
 */
public record ModelCard(
    int schemaVersion,
    String name,
    NetworkSpec architecture,
    Map<String, Object> hyperParameters,
    PreprocessingSpec preprocessing,
    PostprocessingSpec postprocessing,
    List<String> labelNames,
    List<String> modalities,
    Map<String, Double> trainingMetrics,
    String paramsSha256) {

  /** The card format this code writes and reads. */
  public static final int SCHEMA_VERSION = 1;

  /** Validates consistency with the architecture and copies collections. */
  public ModelCard {
    if (schemaVersion != SCHEMA_VERSION) {
      throw new IllegalArgumentException(
          "unsupported model card schema " + schemaVersion + " (expected " + SCHEMA_VERSION + ")");
    }
    if (name == null || name.isBlank() || architecture == null || preprocessing == null) {
      throw new IllegalArgumentException("name, architecture and preprocessing are required");
    }
    if (labelNames == null || labelNames.size() != architecture.outChannels()) {
      throw new IllegalArgumentException(
          "labelNames must name the " + architecture.outChannels() + " output channels");
    }
    if (modalities == null || modalities.size() != architecture.normSets()) {
      throw new IllegalArgumentException(
          "modalities must name the " + architecture.normSets() + " norm sets");
    }
    if (postprocessing != null && !labelNames.containsAll(postprocessing.bilateralClasses())) {
      throw new IllegalArgumentException(
          "postprocessing.bilateralClasses "
              + postprocessing.bilateralClasses()
              + " must be label names of "
              + labelNames);
    }
    hyperParameters = hyperParameters == null ? Map.of() : Map.copyOf(hyperParameters);
    trainingMetrics = trainingMetrics == null ? Map.of() : Map.copyOf(trainingMetrics);
    labelNames = List.copyOf(labelNames);
    modalities = List.copyOf(modalities);
  }

  /** A card without {@code postprocessing}, read as a card written before the field existed. */
  public ModelCard(
      int schemaVersion,
      String name,
      NetworkSpec architecture,
      Map<String, Object> hyperParameters,
      PreprocessingSpec preprocessing,
      List<String> labelNames,
      List<String> modalities,
      Map<String, Double> trainingMetrics,
      String paramsSha256) {
    this(
        schemaVersion,
        name,
        architecture,
        hyperParameters,
        preprocessing,
        null,
        labelNames,
        modalities,
        trainingMetrics,
        paramsSha256);
  }

  /** The same card with the given params checksum. */
  public ModelCard withParamsSha256(String sha256) {
    return new ModelCard(
        schemaVersion,
        name,
        architecture,
        hyperParameters,
        preprocessing,
        postprocessing,
        labelNames,
        modalities,
        trainingMetrics,
        sha256);
  }

  /** The same card with the given post-processing (null: as a card without the field). */
  public ModelCard withPostprocessing(PostprocessingSpec spec) {
    return new ModelCard(
        schemaVersion,
        name,
        architecture,
        hyperParameters,
        preprocessing,
        spec,
        labelNames,
        modalities,
        trainingMetrics,
        paramsSha256);
  }

  /**
   * The post-processing to apply: {@link #postprocessing} when the card has it, otherwise what
   * cards without it always got ({@link PostprocessingSpec#ofLegacyCard}).
   */
  public PostprocessingSpec effectivePostprocessing() {
    return postprocessing != null
        ? postprocessing
        : PostprocessingSpec.ofLegacyCard(hyperParameters);
  }

  /** Norm-set index of a modality name. */
  public int normSetOf(String modality) {
    int index = modalities.indexOf(modality);
    if (index < 0) {
      throw new IllegalArgumentException(
          "model has no norm set for modality " + modality + "; it has " + modalities);
    }
    return index;
  }
}
