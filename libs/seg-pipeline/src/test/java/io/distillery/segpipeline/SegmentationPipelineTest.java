package io.distillery.segpipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.distillery.segml.checkpoint.IntensityNormalization;
import io.distillery.segml.checkpoint.ModelCard;
import io.distillery.segml.checkpoint.PostprocessingSpec;
import io.distillery.segml.checkpoint.PreprocessingSpec;
import io.distillery.segml.engine.InferenceEngine;
import io.distillery.segml.inferers.WindowPredictor;
import io.distillery.segml.networks.LiteUNet3d;
import io.distillery.segml.networks.NetworkSpec;
import io.distillery.segml.networks.UpsamplingMode;
import io.distillery.segml.networks.blocks.ActivationKind;
import io.distillery.volumeio.Affine;
import io.distillery.volumeio.Grid;
import io.distillery.volumeio.LabelVolume;
import io.distillery.volumeio.Volume;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The pipeline's post-processing on one-voxel-thick rows, where every step can be worked out by
 * hand. The models are closed-form window predictors (logits a fixed function of the normalised
 * voxel), so that the expected labels follow from the resampling and component rules alone.
 */
class SegmentationPipelineTest {

  private static final SegmentationPipeline PIPELINE = new SegmentationPipeline(1);

  /** Normalisation that passes values in [lo, hi] through unchanged. */
  private static IntensityNormalization identity(double lo, double hi) {
    return new IntensityNormalization("ct-window", lo, hi, 0, 1);
  }

  // --- resampling probabilities before the argmax ------------------------------------------

  /**
   * Input: 4 voxels of 1 mm along x, foreground probability [0.4, 0.4, 0.9, 0.9]; the model runs at
   * 2 mm, so its 2 voxels sit at input x = 0.5 and 2.5 and see 0.4 and 0.9. Back on the input grid,
   * input voxel x lies at model coordinate (x − 0.5)/2 = −0.25 (clamped to 0), 0.25, 0.75, 1.25
   * (clamped to 1):
   *
   * <ul>
   *   <li>nearest neighbour of the model labels [0, 1]: [0, 0, 1, 1];
   *   <li>trilinear probabilities: 0.4, 0.75·0.4 + 0.25·0.9 = 0.525, 0.25·0.4 + 0.75·0.9 = 0.775,
   *       0.9, so argmax [0, 1, 1, 1].
   * </ul>
   */
  @Test
  void probabilitiesResampledBeforeTheArgmaxMoveTheBoundaryByHandComputedVoxels() {
    Grid ras = new Grid(4, 1, 1, Affine.diagonal(1, 1, 1, 0, 0, 0));
    Volume image = Volume.of(ras, new float[] {0.4f, 0.4f, 0.9f, 0.9f});
    ModelCard card = probabilityCard(PostprocessingSpec.forOrgans(List.of("background", "organ")));

    try (SegmentationModel model = model(card, new SigmoidPredictor())) {
      SegmentationResult resampled = PIPELINE.run(image, model, null, true);
      assertThat(labels(resampled.labels())).containsExactly(0, 1, 1, 1);
      assertThat(resampled.labels().grid()).isSameAs(ras);
      float[] organ = resampled.probabilities().get(1).data();
      float[] expected = {0.4f, 0.525f, 0.775f, 0.9f};
      for (int x = 0; x < 4; x++) {
        assertThat(organ[x]).as("x=%d", x).isCloseTo(expected[x], within(1e-5f));
      }
      assertThat(resampled.volumesMl()).containsEntry("organ", 3 * 1e-3);

      SegmentationResult none = PIPELINE.run(image, model, null, false, PostprocessMode.NONE);
      assertThat(labels(none.labels())).containsExactly(0, 0, 1, 1);
    }
    try (SegmentationModel old = model(probabilityCard(null), new SigmoidPredictor())) {
      // A card without the field keeps the old nearest-neighbour mapping.
      assertThat(labels(PIPELINE.run(image, old, null, false).labels()))
          .containsExactly(0, 0, 1, 1);
    }
  }

  /**
   * The same world as above stored LAS (voxel x at world 3 − x, values reversed): the labels come
   * back in the input's own voxel order, on its own grid.
   */
  @Test
  void anLasInputGetsTheSameWorldLabelsInItsOwnVoxelOrder() {
    Grid las = new Grid(4, 1, 1, Affine.of3x4(-1, 0, 0, 3, 0, 1, 0, 0, 0, 0, 1, 0));
    Volume image = Volume.of(las, new float[] {0.9f, 0.9f, 0.4f, 0.4f});
    ModelCard card = probabilityCard(PostprocessingSpec.forOrgans(List.of("background", "organ")));

    try (SegmentationModel model = model(card, new SigmoidPredictor())) {
      SegmentationResult result = PIPELINE.run(image, model, null, true);
      assertThat(labels(result.labels())).containsExactly(1, 1, 1, 0);
      assertThat(result.labels().grid()).isSameAs(las);
      assertThat(result.probabilities().get(1).data()[2]).isCloseTo(0.525f, within(1e-5f));
      assertThat(labels(PIPELINE.run(image, model, null, false, PostprocessMode.NONE).labels()))
          .containsExactly(1, 1, 0, 0);
    }
  }

  // --- largest connected components ---------------------------------------------------------

  /** Row of 20 voxels; digit = class: liver (1) in pieces of 3 and 2, kidneys (2) of 4, 3, 1. */
  private static final String ROW = "11101102222022202000";

  @Test
  void largestComponentKeepsOneLiverAndBothKidneys() {
    ModelCard card =
        classCard(
            PostprocessingSpec.forOrgans(List.of("background", "liver", "kidneys")), Map.of());
    assertThat(card.postprocessing().bilateralClasses()).containsExactly("kidneys");
    try (SegmentationModel model = model(card, new ClassPredictor(3))) {
      Volume image = row(ROW);
      // The smaller liver piece and the third kidney piece go; the two largest kidney pieces stay.
      assertThat(digits(PIPELINE.run(image, model, null, false).labels()))
          .isEqualTo("11100002222022200000");
      assertThat(digits(PIPELINE.run(image, model, null, false, PostprocessMode.NONE).labels()))
          .isEqualTo(ROW);
    }
  }

  @Test
  void anOldCardKeepsOneComponentPerClassOnlyWithTheOldHyperParameter() {
    Volume image = row(ROW);
    try (SegmentationModel old = model(classCard(null, Map.of()), new ClassPredictor(3))) {
      assertThat(digits(PIPELINE.run(image, old, null, false).labels())).isEqualTo(ROW);
    }
    ModelCard withHyper =
        classCard(null, Map.of(PostprocessingSpec.LEGACY_LARGEST_COMPONENT, true));
    try (SegmentationModel old = model(withHyper, new ClassPredictor(3))) {
      // No bilateral classes on old cards: only the largest kidney piece stays.
      assertThat(digits(PIPELINE.run(image, old, null, false).labels()))
          .isEqualTo("11100002222000000000");
    }
  }

  @Test
  void anOverlapGivenToThePipelineReplacesTheCardsAndOnlyChangesTheWindowCount() {
    ModelCard card =
        card(
            3,
            new PreprocessingSpec(
                "RAS",
                new double[] {1, 1, 1},
                identity(0, 10),
                new int[] {1, 1, 4},
                "sliding-window",
                0),
            List.of("background", "liver", "kidneys"),
            null,
            Map.of());
    Volume image = row(ROW);
    CountingPredictor cardOverlap = new CountingPredictor(new ClassPredictor(3));
    CountingPredictor halfOverlap = new CountingPredictor(new ClassPredictor(3));
    try (SegmentationModel a = model(card, cardOverlap);
        SegmentationModel b = model(card, halfOverlap)) {
      String withCard = digits(PIPELINE.run(image, a, null, false).labels());
      String withHalf =
          digits(new SegmentationPipeline(1, 0.5).run(image, b, null, false).labels());
      // 20 voxels in windows of 4: 5 windows without overlap, 9 with a step of 2.
      assertThat(cardOverlap.windows).isEqualTo(5);
      assertThat(halfOverlap.windows).isEqualTo(9);
      assertThat(withHalf).isEqualTo(withCard).isEqualTo(ROW);
    }
    assertThatThrownBy(() -> new SegmentationPipeline(1, 1.0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("overlap");
  }

  @Test
  void unknownPostprocessModesAreRefusedWithTheAcceptedValues() {
    assertThat(PostprocessMode.parse(null)).isEqualTo(PostprocessMode.DEFAULT);
    assertThat(PostprocessMode.parse("none")).isEqualTo(PostprocessMode.NONE);
    assertThatThrownBy(() -> PostprocessMode.parse("off"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("[default, none]");
  }

  // --- fixtures ----------------------------------------------------------------------------

  /** Two classes at 2 mm along x (D, H, W spacing 1, 1, 2), input values passed through. */
  private static ModelCard probabilityCard(PostprocessingSpec post) {
    return card(
        2,
        new PreprocessingSpec(
            "RAS",
            new double[] {1, 1, 2},
            identity(0, 1),
            new int[] {1, 1, 2},
            "sliding-window",
            0),
        List.of("background", "organ"),
        post,
        Map.of());
  }

  /** Three classes at the input's 1 mm: the model grid is the input grid. */
  private static ModelCard classCard(PostprocessingSpec post, Map<String, Object> hyper) {
    return card(
        3,
        new PreprocessingSpec(
            "RAS",
            new double[] {1, 1, 1},
            identity(0, 10),
            new int[] {1, 1, 20},
            "sliding-window",
            0),
        List.of("background", "liver", "kidneys"),
        post,
        hyper);
  }

  private static ModelCard card(
      int classes,
      PreprocessingSpec pre,
      List<String> labelNames,
      PostprocessingSpec post,
      Map<String, Object> hyper) {
    NetworkSpec spec =
        new NetworkSpec(
            LiteUNet3d.TYPE,
            1,
            classes,
            4,
            1,
            UpsamplingMode.TRILINEAR,
            false,
            false,
            1,
            false,
            ActivationKind.RELU);
    return new ModelCard(
        ModelCard.SCHEMA_VERSION,
        "closed-form",
        spec,
        hyper,
        pre,
        post,
        labelNames,
        List.of("CT"),
        Map.of(),
        null);
  }

  private static SegmentationModel model(ModelCard card, WindowPredictor predictor) {
    // The engine only labels the result; the predictor is plain Java.
    return new SegmentationModel(
        "closed-form", "1", card, InferenceEngine.PYTORCH, Map.of("CT", predictor), Map.of(), null);
  }

  private static Volume row(String digits) {
    float[] values = new float[digits.length()];
    for (int i = 0; i < values.length; i++) {
      values[i] = digits.charAt(i) - '0';
    }
    return Volume.of(new Grid(values.length, 1, 1, Affine.diagonal(1, 1, 1, 0, 0, 0)), values);
  }

  private static int[] labels(LabelVolume v) {
    int[] out = new int[v.grid().size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = v.label(i);
    }
    return out;
  }

  private static String digits(LabelVolume v) {
    StringBuilder s = new StringBuilder();
    for (int l : labels(v)) {
      s.append(l);
    }
    return s.toString();
  }

  /** Two classes: background logit 0, foreground logit ln(v / (1 − v)), so softmax gives v. */
  private static final class SigmoidPredictor implements WindowPredictor {
    @Override
    public int inChannels() {
      return 1;
    }

    @Override
    public int outChannels() {
      return 2;
    }

    @Override
    public float[] predict(float[] windows, int batch, int[] roi) {
      int n = roi[0] * roi[1] * roi[2];
      float[] out = new float[batch * 2 * n];
      for (int b = 0; b < batch; b++) {
        for (int i = 0; i < n; i++) {
          double v = windows[b * n + i];
          out[(b * 2 + 1) * n + i] = (float) Math.log(v / (1 - v));
        }
      }
      return out;
    }
  }

  /** {@code classes} classes: logit 5 for the class equal to the rounded voxel value, else 0. */
  private record ClassPredictor(int classes) implements WindowPredictor {
    @Override
    public int inChannels() {
      return 1;
    }

    @Override
    public int outChannels() {
      return classes;
    }

    @Override
    public float[] predict(float[] windows, int batch, int[] roi) {
      int n = roi[0] * roi[1] * roi[2];
      float[] out = new float[batch * classes * n];
      for (int b = 0; b < batch; b++) {
        for (int i = 0; i < n; i++) {
          int c = Math.round(windows[b * n + i]);
          out[(b * classes + c) * n + i] = 5f;
        }
      }
      return out;
    }
  }

  /** Counts the windows another predictor is asked for. */
  private static final class CountingPredictor implements WindowPredictor {
    private final WindowPredictor inner;
    private int windows;

    CountingPredictor(WindowPredictor inner) {
      this.inner = inner;
    }

    @Override
    public int inChannels() {
      return inner.inChannels();
    }

    @Override
    public int outChannels() {
      return inner.outChannels();
    }

    @Override
    public float[] predict(float[] input, int batch, int[] roi) {
      windows += batch;
      return inner.predict(input, batch, roi);
    }
  }
}
