package io.distillery.segml.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.distillery.segml.engine.EngineThreads;
import io.distillery.segml.networks.LiteUNet3d;
import io.distillery.segml.networks.SegmentationNetwork;
import io.distillery.segml.networks.UNet3d;
import io.distillery.segml.networks.UpsamplingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {

  private static NDManager manager;

  @TempDir Path dir;

  @BeforeAll
  static void engine() {
    EngineThreads.configure(2);
    manager = NDManager.newBaseManager("PyTorch");
  }

  @AfterAll
  static void close() {
    manager.close();
  }

  private static ModelCard card(SegmentationNetwork net, List<String> modalities) {
    return new ModelCard(
        ModelCard.SCHEMA_VERSION,
        "test-model",
        net.spec(),
        Map.of("optimizer", "adam", "learningRate", 0.002, "steps", 10),
        new PreprocessingSpec(
            "RAS",
            new double[] {3, 3, 3},
            new IntensityNormalization("ct-window", -125, 275, 50, 200),
            new int[] {64, 64, 64},
            "sliding-window",
            0.5),
        List.of("background", "liver", "spleen"),
        modalities,
        Map.of("val.dice.liver", 0.92),
        null);
  }

  @Test
  void roundTripRebuildsTheNetworkFromTheCardAlone() throws Exception {
    SegmentationNetwork net =
        UNet3d.builder()
            .setOutChannels(3)
            .optBaseWidth(4)
            .optDepth(3)
            .optResidual(true, true)
            .optUpsampling(UpsamplingMode.TRILINEAR)
            .optNormSets(2)
            .build();
    net.initialize(manager, DataType.FLOAT32, new Shape(1, 1, 8, 8, 8));
    ModelCard written = Checkpoint.save(net, card(net, List.of("CT", "MR")), dir);
    assertThat(written.paramsSha256()).hasSize(64);
    String json = Files.readString(dir.resolve(Checkpoint.CARD_FILE));
    assertThat(json).contains("\"type\" : \"UNet3d\"", "\"roiSize\"", "\"liver\"", "\"MR\"");

    try (NDManager other = NDManager.newBaseManager("PyTorch")) {
      Checkpoint.Loaded loaded = Checkpoint.load(dir, other);
      assertThat(loaded.card()).isEqualTo(written);
      assertThat(loaded.network().spec()).isEqualTo(net.spec());
      assertThat(loaded.card().normSetOf("MR")).isEqualTo(1);
      NDArray x = other.randomNormal(new Shape(1, 1, 8, 8, 8));
      NDArray expected =
          net.forward(new ParameterStore(other, false), x, false, 1, Set.of()).logits();
      NDArray actual =
          loaded
              .network()
              .forward(new ParameterStore(other, false), x, false, 1, Set.of())
              .logits();
      assertThat(actual.sub(expected).abs().max().getFloat()).isEqualTo(0f);
    }
  }

  @Test
  void corruptedWeightsAreRejectedByChecksum() throws Exception {
    SegmentationNetwork net = LiteUNet3d.builder().setOutChannels(3).optBaseWidth(4).build();
    net.initialize(manager, DataType.FLOAT32, new Shape(1, 1, 8, 8, 8));
    Checkpoint.save(net, card(net, List.of("CT")), dir);
    Path params = dir.resolve(Checkpoint.PARAMS_FILE);
    byte[] bytes = Files.readAllBytes(params);
    bytes[bytes.length - 1] ^= 1;
    Files.write(params, bytes);
    assertThatThrownBy(() -> Checkpoint.load(dir, manager))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining("checksum mismatch");
  }

  @Test
  void postprocessingIsWrittenAndReadBackAndOldCardsKeepTheirBehaviour() {
    SegmentationNetwork net = LiteUNet3d.builder().setOutChannels(3).build();
    ModelCard old = card(net, List.of("CT"));
    ModelCard organs =
        old.withPostprocessing(
            PostprocessingSpec.forOrgans(List.of("background", "liver", "spleen")));
    String json = Checkpoint.toJson(organs);
    assertThat(json).contains("\"postprocessing\"", "\"resampleProbabilities\" : true");
    assertThat(Checkpoint.parseCard(json)).isEqualTo(organs);
    assertThat(organs.effectivePostprocessing())
        .isEqualTo(new PostprocessingSpec(true, true, List.of()));

    // A card written before the field existed: nothing, or the old hyper-parameter's component.
    String oldJson = Checkpoint.toJson(old).replace("\"postprocessing\" : null,", "");
    assertThat(oldJson).doesNotContain("postprocessing");
    ModelCard read = Checkpoint.parseCard(oldJson);
    assertThat(read.postprocessing()).isNull();
    assertThat(read.effectivePostprocessing()).isEqualTo(PostprocessingSpec.NONE);
    ModelCard legacyLcc =
        Checkpoint.parseCard(oldJson.replace("\"steps\" : 10", "\"largestComponent\" : true"));
    assertThat(legacyLcc.effectivePostprocessing())
        .isEqualTo(new PostprocessingSpec(false, true, List.of()));

    assertThatThrownBy(
            () -> old.withPostprocessing(new PostprocessingSpec(true, true, List.of("kidneys"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bilateralClasses");
  }

  @Test
  void bilateralClassesArePairedOrgansWithoutASide() {
    assertThat(
            PostprocessingSpec.forOrgans(
                    List.of(
                        "background",
                        "Kidneys",
                        "right_kidney",
                        "kidney_left",
                        "lung",
                        "Adrenal Gland",
                        "liver",
                        "pancreas"))
                .bilateralClasses())
        .containsExactly("Kidneys", "lung", "Adrenal Gland");
  }

  @Test
  void cardMustNameEveryOutputChannelAndNormSet() {
    SegmentationNetwork net = LiteUNet3d.builder().setOutChannels(3).build();
    assertThatThrownBy(() -> card(net, List.of("CT", "MR")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("norm sets");
    String json = Checkpoint.toJson(card(net, List.of("CT")));
    assertThat(Checkpoint.parseCard(json)).isEqualTo(card(net, List.of("CT")));
    assertThatThrownBy(
            () ->
                Checkpoint.parseCard(
                    json.replace("\"schemaVersion\" : 1", "\"schemaVersion\" : 9")))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining("schema");
  }
}
