package io.distillery.segpipeline;

import io.distillery.segml.checkpoint.Checkpoint;
import io.distillery.segml.checkpoint.ModelCard;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The files of a published model and their roles, as the student-trainer publishes them under
 * {@code models/{name}/{version}/} (and as a local model directory holds them): {@code
 * model-card.json} (role {@value #CARD}), {@code model.params} ({@value #PARAMS}), and {@code
 * model.onnx} (role {@value #ONNX}, one modality) or {@code model-<modality>.onnx} (role {@code
 * onnx-<modality>}, one per norm set). The roles are the keys of {@code
 * StudentModelPublished.files}.
 */
public final class ModelFiles {

  /** Role of the model card. */
  public static final String CARD = "modelCard";

  /** Role of the DJL weights. */
  public static final String PARAMS = "params";

  /** Role of the ONNX export of a single-modality model; {@code onnx-<modality>} otherwise. */
  public static final String ONNX = "onnx";

  private ModelFiles() {}

  /** The role of a published file name, or null for a file that is not part of a model. */
  public static String roleOf(String file) {
    if (file.equals(Checkpoint.CARD_FILE)) {
      return CARD;
    }
    if (file.endsWith(".params")) {
      return PARAMS;
    }
    if (file.equals("model.onnx")) {
      return ONNX;
    }
    if (file.startsWith("model-") && file.endsWith(".onnx")) {
      return ONNX + "-" + file.substring("model-".length(), file.length() - ".onnx".length());
    }
    return null;
  }

  /** The file name a role is stored under in a model directory. */
  public static String fileName(String role) {
    if (role.equals(CARD)) {
      return Checkpoint.CARD_FILE;
    }
    if (role.equals(PARAMS)) {
      return Checkpoint.PARAMS_FILE;
    }
    if (role.equals(ONNX)) {
      return "model.onnx";
    }
    if (role.startsWith(ONNX + "-") && role.length() > ONNX.length() + 1) {
      return "model-" + role.substring(ONNX.length() + 1) + ".onnx";
    }
    throw new IllegalArgumentException("unknown model file role: " + role);
  }

  /**
   * The role of the ONNX export for {@code modality}: {@value #ONNX} for a single-modality model,
   * else {@code onnx-<modality>}.
   */
  public static String onnxRole(ModelCard card, String modality) {
    return card.modalities().size() == 1 ? ONNX : ONNX + "-" + modality;
  }

  /**
   * The ONNX export for {@code modality} in a model directory, or null when there is none (the
   * model then runs on DJL PyTorch). A single-modality model may also carry {@code
   * model-<modality>.onnx}.
   */
  public static Path onnxFile(Path dir, ModelCard card, String modality) {
    Path preferred = dir.resolve(fileName(onnxRole(card, modality)));
    if (Files.isRegularFile(preferred)) {
      return preferred;
    }
    Path perModality = dir.resolve(fileName(ONNX + "-" + modality));
    return Files.isRegularFile(perModality) ? perModality : null;
  }
}
