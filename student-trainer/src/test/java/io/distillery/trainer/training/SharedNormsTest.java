package io.distillery.trainer.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import io.distillery.segml.distillation.UnpairedCtMrLoss;
import io.distillery.segml.networks.NetworkSpec;
import io.distillery.segml.networks.SegmentationNetwork;
import io.distillery.segml.networks.UNet3d;
import io.distillery.segml.networks.UpsamplingMode;
import io.distillery.segml.networks.blocks.ActivationKind;
import io.distillery.trainer.InvalidJobSpecException;
import io.distillery.trainer.JobSpec;
import io.distillery.trainer.JobSpecParser;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * unpaired-ct-mr with {@code sharedNorms}: the switch in the spec, and the published network whose
 * two modalities use the same parameters (the one trained norm set, copied per modality).
 */
class SharedNormsTest {

  private static final String SPEC =
      """
      {"kind": "co-train", "method": "unpaired-ct-mr", "classes": ["background", "liver"],
       "datasets": [{"id": "ct"}, {"id": "mr"}]%s}
      """;

  @Test
  void theSwitchIsABooleanOffByDefault() {
    JobSpec plain = JobSpecParser.parse(SPEC.formatted(""), false, "x");
    assertThat(plain.hyper("sharedNorms")).isZero();
    assertThat(plain.resolved().path("hyperParameters").path("sharedNorms").isBoolean()).isTrue();
    JobSpec shared =
        JobSpecParser.parse(
            SPEC.formatted(", \"hyperParameters\": {\"sharedNorms\": true, \"kdWeight\": 0}"),
            false,
            "x");
    assertThat(shared.hyper("sharedNorms")).isEqualTo(1.0);
    assertThat(shared.hyper("kdWeight")).isZero();
    assertThat(shared.resolved().path("hyperParameters").path("sharedNorms").asBoolean()).isTrue();
    // The resolved spec (what a resumed job re-reads) parses to the same switch.
    assertThat(JobSpecParser.fromTree(shared.resolved(), "x").hyper("sharedNorms")).isEqualTo(1.0);
    assertThat(
            JobSpecParser.parse(
                    SPEC.formatted(", \"hyperParameters\": {\"sharedNorms\": 1}"), false, "x")
                .hyper("sharedNorms"))
        .isEqualTo(1.0);
    assertThatThrownBy(
            () ->
                JobSpecParser.parse(
                    SPEC.formatted(", \"hyperParameters\": {\"sharedNorms\": \"yes\"}"),
                    false,
                    "x"))
        .isInstanceOf(InvalidJobSpecException.class)
        .hasMessageContaining("hyperParameters.sharedNorms must be true or false");
    String supervised =
        """
        {"kind": "teacher", "classes": ["background", "liver"], "datasets": [{"id": "ct"}],
         "hyperParameters": {"sharedNorms": true}}
        """;
    assertThatThrownBy(() -> JobSpecParser.parse(supervised, false, "x"))
        .isInstanceOf(InvalidJobSpecException.class)
        .hasMessageContaining("sharedNorms is not a hyper-parameter of supervised");
  }

  @Test
  void bothModalitiesOfThePublishedNetworkUseTheSameParameters() {
    try (NDManager manager = NDManager.newBaseManager()) {
      Engine.getInstance().setRandomSeed(3);
      SegmentationNetwork shared = network(1);
      shared.initialize(manager, DataType.FLOAT32, new Shape(1, 1, 4, 4, 4));
      // Norm parameters away from their initial 1 / 0, as after training.
      for (Pair<String, Parameter> p : shared.getParameters()) {
        NDArray a = p.getValue().getArray();
        if (p.getValue().getType() == Parameter.Type.GAMMA
            || p.getValue().getType() == Parameter.Type.BETA) {
          manager.randomUniform(0.5f, 1.5f, a.getShape()).copyTo(a);
        }
      }
      // The trained network has a single norm set, so CT and MR batches train the same one.
      assertThatThrownBy(() -> forward(shared, manager.randomNormal(new Shape(1, 1, 8, 8, 8)), 1))
          .hasMessageContaining("norm set 1 out of range");

      SegmentationNetwork published = SharedNorms.perModality(shared, 2, manager);
      assertThat(published.spec().normSets()).isEqualTo(2);
      assertThat(published.spec())
          .usingRecursiveComparison()
          .ignoringFields("normSets")
          .isEqualTo(shared.spec());
      int norms = 0;
      for (int i = 0; i < shared.getParameters().size(); i++) {
        NDArray from = shared.getParameters().get(i).getValue().getArray();
        NDArray to = published.getParameters().get(i).getValue().getArray();
        if (from.getShape().equals(to.getShape())) {
          assertThat(to.toFloatArray()).containsExactly(from.toFloatArray());
        } else {
          norms++;
          assertThat(to.getShape()).isEqualTo(new Shape(2, from.getShape().get(1)));
          assertThat(to.get(0).toFloatArray()).containsExactly(from.get(0).toFloatArray());
          assertThat(to.get(1).toFloatArray()).containsExactly(from.get(0).toFloatArray());
        }
      }
      assertThat(norms).as("gamma and beta of every instance norm").isPositive();

      NDArray x = manager.randomNormal(new Shape(1, 1, 8, 8, 8));
      float[] trained = forward(shared, x, 0);
      assertThat(forward(published, x, 0)).containsExactly(trained);
      assertThat(forward(published, x, 1)).containsExactly(trained);

      // The objective accepts the one-set network (MR batches then use set 0) and no third set.
      assertThat(Objectives.unpairedCtMr(shared, new UnpairedCtMrLoss(2f, 0.5f), 1).networks())
          .containsExactly(shared);
      assertThatThrownBy(
              () -> Objectives.unpairedCtMr(network(3), new UnpairedCtMrLoss(2f, 0.5f), 1))
          .isInstanceOf(TrainingException.class)
          .hasMessageContaining("2 norm sets (CT, MR) or 1 shared");
      assertThatThrownBy(() -> SharedNorms.perModality(published, 2, manager))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  private static SegmentationNetwork network(int normSets) {
    return new NetworkSpec(
            UNet3d.TYPE,
            1,
            2,
            4,
            2,
            UpsamplingMode.TRANSPOSED_CONV,
            false,
            false,
            normSets,
            false,
            ActivationKind.LEAKY_RELU)
        .build();
  }

  private static float[] forward(SegmentationNetwork net, NDArray x, int normSet) {
    return net.forward(new ParameterStore(x.getManager(), false), x, false, normSet, Set.of())
        .logits()
        .toFloatArray();
  }
}
