package io.distillery.teacher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.distillery.contracts.VersionOrder;
import io.distillery.teacher.service.TeacherRegistry;
import io.distillery.teacher.service.TeacherRunner;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Manifest parsing and validation, the dataset policy, tempered softmax and version order. */
class TeacherManifestTest {

  static final String EXTERNAL =
      """
      {
        "schemaVersion": 1,
        "teacherId": "nnunet-liver",
        "version": "2024.1",
        "format": "onnx",
        "files": {"onnx": "model.onnx"},
        "modality": "CT",
        "datasets": ["btcv-liver"],
        "spacingMm": [1.5, 1.5, 3.0],
        "normalisation": {"method": "ct-window", "clipLow": -125, "clipHigh": 275,
                          "mean": 75, "std": 200},
        "roiSize": [128, 128, 64],
        "overlap": 0.5,
        "outputClasses": ["background", "liver"],
        "featureTap": null,
        "temperature": 2.0
      }
      """;

  @Test
  void externalManifestParsesWithDefaults() {
    TeacherManifest m = TeacherRegistry.parseManifest(EXTERNAL.getBytes(StandardCharsets.UTF_8));
    assertThat(m.teacherId()).isEqualTo("nnunet-liver");
    assertThat(m.effectiveStoredChannels()).containsExactly(1);
    assertThat(m.storedChannelNames()).containsExactly("liver");
    assertThat(m.roiDhw()).containsExactly(64, 128, 128);
    assertThat(m.spacingXyz()).containsExactly(1.5, 1.5, 3.0);
    assertThat(TeacherRegistry.parseManifest(TeacherRegistry.manifestJson(m))).isEqualTo(m);
  }

  @Test
  void datasetPolicyNeedsModalityAndListedDataset() {
    TeacherManifest listed = TinyTeacher.manifest("t", "1", List.of("btcv-liver"), 4, 1);
    assertThat(listed.appliesTo("CT", "btcv-liver")).isTrue();
    assertThat(listed.appliesTo("CT", "btcv-spleen")).isFalse();
    assertThat(listed.appliesTo("MR", "btcv-liver")).isFalse();
    TeacherManifest all = TinyTeacher.manifest("t", "1", List.of(), 4, 1);
    assertThat(all.appliesTo("CT", "anything")).isTrue();
  }

  @Test
  void invalidManifestsAreRefusedWithTheReason() {
    assertThatThrownBy(
            () ->
                TeacherRegistry.parseManifest(
                    EXTERNAL.replace("\"temperature\": 2.0", "\"temperature\": 0").getBytes()))
        .isInstanceOf(InvalidManifestException.class)
        .hasMessageContaining("temperature");
    assertThatThrownBy(
            () ->
                TeacherRegistry.parseManifest(
                    EXTERNAL.replace("nnunet-liver", "../escape").getBytes()))
        .isInstanceOf(InvalidManifestException.class)
        .hasMessageContaining("teacherId");
    assertThatThrownBy(
            () ->
                TeacherRegistry.parseManifest(
                    EXTERNAL.replace("[1.5, 1.5, 3.0]", "[1.5, 3.0]").getBytes()))
        .isInstanceOf(InvalidManifestException.class)
        .hasMessageContaining("spacingMm");
    assertThatThrownBy(() -> TeacherRegistry.parseManifest("{not json".getBytes()))
        .isInstanceOf(InvalidManifestException.class)
        .hasMessageContaining("JSON");
  }

  @Test
  void temperedSoftmaxMatchesHandComputedValues() {
    // Two voxels, two classes, K×voxels layout: logits (0, 2) and (1, 1).
    float[] logits = {0f, 1f, 2f, 1f};
    float[] t1 = TeacherRunner.softmax(logits, 2, 2, 1.0, List.of(0, 1));
    double e2 = Math.exp(2);
    assertThat((double) t1[0]).isCloseTo(1 / (1 + e2), within(1e-6));
    assertThat((double) t1[2]).isCloseTo(e2 / (1 + e2), within(1e-6));
    assertThat((double) t1[1]).isCloseTo(0.5, within(1e-6));
    float[] t2 = TeacherRunner.softmax(logits, 2, 2, 2.0, List.of(1));
    assertThat(t2).hasSize(2);
    assertThat((double) t2[0]).isCloseTo(Math.E / (1 + Math.E), within(1e-6));
  }

  @Test
  void versionsCompareNumericallyThenLexically() {
    assertThat(VersionOrder.INSTANCE.compare("10", "9")).isPositive();
    assertThat(VersionOrder.INSTANCE.compare("2024.1", "2024.2")).isNegative();
    assertThat(VersionOrder.INSTANCE.compare("3", "beta")).isNegative();
  }
}
