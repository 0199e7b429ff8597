package io.distillery.segml.checkpoint;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.distillery.segml.networks.SegmentationNetwork;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A model on disk: {@value #PARAMS_FILE} (DJL weights of the network) and {@value #CARD_FILE} (the
 * {@link ModelCard}) in one directory. {@link #load} rebuilds the network from the card alone.
 */
public final class Checkpoint {

  /** Weights file name. */
  public static final String PARAMS_FILE = "model.params";

  /** Model card file name. */
  public static final String CARD_FILE = "model-card.json";

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private Checkpoint() {}

  /**
   * A loaded model.
   *
   * @param network the rebuilt network with its weights (owned by the manager given to load)
   * @param card its model card
   */
  public record Loaded(SegmentationNetwork network, ModelCard card) {}

  /**
   * Writes the network's weights and the card (with the weights' SHA-256 filled in) into {@code
   * dir}; returns the card written.
   */
  public static ModelCard save(SegmentationNetwork network, ModelCard card, Path dir) {
    if (!network.spec().equals(card.architecture())) {
      throw new CheckpointException(
          "card architecture " + card.architecture() + " differs from network " + network.spec());
    }
    if (!network.isInitialized()) {
      throw new CheckpointException("network parameters are not initialised");
    }
    try {
      Files.createDirectories(dir);
      Path params = dir.resolve(PARAMS_FILE);
      try (DataOutputStream out =
          new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(params)))) {
        network.saveParameters(out);
      }
      ModelCard written = card.withParamsSha256(sha256(params));
      JSON.writeValue(dir.resolve(CARD_FILE).toFile(), written);
      return written;
    } catch (IOException e) {
      throw new CheckpointException("cannot write checkpoint to " + dir, e);
    }
  }

  /** Reads only the model card of a checkpoint directory. */
  public static ModelCard readCard(Path dir) {
    Path file = dir.resolve(CARD_FILE);
    try {
      return JSON.readValue(file.toFile(), ModelCard.class);
    } catch (IOException e) {
      throw new CheckpointException("cannot read model card " + file + ": " + e.getMessage(), e);
    }
  }

  /** Parses a model card from JSON. */
  public static ModelCard parseCard(String json) {
    try {
      return JSON.readValue(json, ModelCard.class);
    } catch (IOException e) {
      throw new CheckpointException("malformed model card: " + e.getMessage(), e);
    }
  }

  /** Serialises a model card to JSON. */
  public static String toJson(ModelCard card) {
    try {
      return JSON.writeValueAsString(card);
    } catch (IOException e) {
      throw new CheckpointException("cannot serialise model card", e);
    }
  }

  /**
   * Rebuilds the network described by the card in {@code dir} and loads its weights into {@code
   * manager}, after checking the weights' SHA-256 against the card.
   */
  public static Loaded load(Path dir, NDManager manager) {
    ModelCard card = readCard(dir);
    Path params = dir.resolve(PARAMS_FILE);
    String actual;
    try {
      actual = sha256(params);
    } catch (IOException e) {
      throw new CheckpointException("cannot read " + params, e);
    }
    if (card.paramsSha256() != null && !card.paramsSha256().equalsIgnoreCase(actual)) {
      throw new CheckpointException(
          "checksum mismatch for " + params + ": card " + card.paramsSha256() + ", file " + actual);
    }
    SegmentationNetwork network = card.architecture().build();
    int m = network.sizeMultiple();
    network.initialize(manager, DataType.FLOAT32, new Shape(1, network.inChannels(), m, m, m));
    try (DataInputStream in =
        new DataInputStream(new BufferedInputStream(Files.newInputStream(params)))) {
      network.loadParameters(manager, in);
    } catch (IOException | MalformedModelException e) {
      throw new CheckpointException(
          "weights in " + params + " do not fit " + card.architecture() + ": " + e.getMessage(), e);
    }
    return new Loaded(network, card);
  }

  private static String sha256(Path file) throws IOException {
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest())) {
      byte[] buffer = new byte[1 << 16];
      while (in.read(buffer) >= 0) {
        // the digest accumulates as the stream is read
      }
      return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
    }
  }

  private static MessageDigest digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every JVM", e);
    }
  }
}
