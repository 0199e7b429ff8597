package io.distillery.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.distillery.segml.checkpoint.IntensityNormalization;
import io.distillery.trainer.service.TeacherManifestWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The manifest a teacher job stores is the teacher-service's format (schema version 1, per-axis
 * lists in [x, y, z]) and carries the dataset policy of {@code applyTo}.
 */
class TeacherManifestExportTest {

  private static final String TEACHER =
      """
      {"jobId": "t1", "kind": "teacher", "modelName": "liver-teacher", "modelVersion": "7",
       "classes": ["background", "liver"], "datasets": [{"id": "btcv-liver"}],
       "budget": {"patchSize": [32, 48, 64], "spacingMm": [2, 3, 4]}}
      """;

  @Test
  void applyToDefaultsToTheTrainingDatasetsAndMayListOthersOrBeEmpty() {
    assertThat(JobSpecParser.parse(TEACHER, false, "x").applyTo()).containsExactly("btcv-liver");
    String listed = TEACHER.replace("\"budget\"", "\"applyTo\": [\"a\", \"b\"], \"budget\"");
    assertThat(JobSpecParser.parse(listed, false, "x").applyTo()).containsExactly("a", "b");
    String all = TEACHER.replace("\"budget\"", "\"applyTo\": [], \"budget\"");
    assertThat(JobSpecParser.parse(all, false, "x").applyTo()).isEmpty();
  }

  @Test
  void applyToIsRefusedOnStudentJobs() {
    String distill =
        """
        {"kind": "distill", "method": "kd", "classes": ["background", "liver"],
         "datasets": [{"id": "d"}], "teachers": ["t"], "applyTo": ["d"]}
        """;
    assertThatThrownBy(() -> JobSpecParser.parse(distill, false, "x"))
        .isInstanceOf(InvalidJobSpecException.class)
        .hasMessageContaining("applyTo is only for teacher jobs");
  }

  private static final String ONLINE =
      """
      {"kind": "co-train", "method": "cross-teaching-online", "modelName": "s", "modelVersion": "3",
       "classes": ["background", "liver"], "datasets": [{"id": "lab"}],
       "unlabelled": [{"id": "pool", "split": "unlabelled"}], "budget": {"patchSize": 16},
       "network": {"depth": 2}, "teacherNetwork": {"depth": 2}%s}
      """;

  @Test
  void crossTeachingOnlinePublishesItsTeachersOnlyWhenAsked() throws Exception {
    JobSpec plain = JobSpecParser.parse(ONLINE.formatted(""), false, "x");
    assertThat(plain.publishTeachers()).isEmpty();
    assertThat(plain.resolved().get("publishTeachers").isEmpty()).isTrue();
    assertThat(plain.resolved().has("applyTo")).isFalse();

    JobSpec both =
        JobSpecParser.parse(
            ONLINE.formatted(", \"publishTeachers\": [\"t-a\", \"t-b\"]"), false, "x");
    assertThat(both.publishTeachers()).containsExactly("t-a", "t-b");
    // Default dataset policy of co-trained teachers: the labelled sets and the pool.
    assertThat(both.applyTo()).containsExactly("lab", "pool");
    assertThat(both.resolved().get("applyTo").toString()).isEqualTo("[\"lab\",\"pool\"]");
    // The resolved spec (what a resumed job re-reads) parses to the same teachers.
    assertThat(JobSpecParser.fromTree(both.resolved(), "x").publishTeachers())
        .containsExactly("t-a", "t-b");
    JobSpec listed =
        JobSpecParser.parse(
            ONLINE.formatted(", \"publishTeachers\": [\"t-a\", \"t-b\"], \"applyTo\": [\"pool\"]"),
            false,
            "x");
    assertThat(listed.applyTo()).containsExactly("pool");

    JsonNode m =
        new ObjectMapper()
            .readTree(
                TeacherManifestWriter.teacherManifest(
                    both,
                    "t-b",
                    Map.of("onnx", Path.of("/tmp/e/model.onnx")),
                    new IntensityNormalization("ct-window", -125, 275, 75, 200),
                    null));
    assertThat(m.get("teacherId").asText()).isEqualTo("t-b");
    assertThat(m.get("version").asText()).isEqualTo("3");
    assertThat(m.get("datasets").toString()).isEqualTo("[\"lab\",\"pool\"]");
    assertThat(m.get("featureTap").isNull()).isTrue();
  }

  @Test
  void publishTeachersIsRefusedWithTheReason() {
    assertThatThrownBy(
            () ->
                JobSpecParser.parse(
                    ONLINE.formatted(", \"publishTeachers\": [\"t-a\"]"), false, "x"))
        .isInstanceOf(InvalidJobSpecException.class)
        .hasMessageContaining("publishTeachers must list two teacher ids");
    assertThatThrownBy(
            () ->
                JobSpecParser.parse(
                    ONLINE.formatted(", \"publishTeachers\": [\"t-a\", \"t-a\"]"), false, "x"))
        .isInstanceOf(InvalidJobSpecException.class)
        .hasMessageContaining("must name T1 and T2 differently");
    assertThatThrownBy(
            () ->
                JobSpecParser.parse(
                    ONLINE.formatted(", \"publishTeachers\": [\"s\", \"t-b\"]"), false, "x"))
        .isInstanceOf(InvalidJobSpecException.class)
        .hasMessageContaining("must differ from modelName 's'");
    assertThatThrownBy(
            () -> JobSpecParser.parse(ONLINE.formatted(", \"applyTo\": [\"pool\"]"), false, "x"))
        .isInstanceOf(InvalidJobSpecException.class)
        .hasMessageContaining("applyTo is only for teacher jobs");
    String kd =
        """
        {"kind": "distill", "method": "kd", "classes": ["background", "liver"],
         "datasets": [{"id": "d"}], "teachers": ["t"], "publishTeachers": ["a", "b"]}
        """;
    assertThatThrownBy(() -> JobSpecParser.parse(kd, false, "x"))
        .isInstanceOf(InvalidJobSpecException.class)
        .hasMessageContaining("publishTeachers is only for co-train cross-teaching-online");
  }

  @Test
  void manifestHasTheTeacherServiceFormat() throws Exception {
    JobSpec spec =
        JobSpecParser.parse(
            TEACHER.replace("\"budget\"", "\"applyTo\": [\"p1\", \"p2\"], \"budget\""), false, "x");
    Map<String, Path> files = new LinkedHashMap<>();
    files.put("params", Path.of("/tmp/e/model.params"));
    files.put("onnx", Path.of("/tmp/e/model.onnx"));
    files.put("modelCard", Path.of("/tmp/e/model-card.json"));
    JsonNode m =
        new ObjectMapper()
            .readTree(
                TeacherManifestWriter.teacherManifest(
                    spec,
                    files,
                    new IntensityNormalization("ct-window", -125, 275, 75, 200),
                    "feature.decoder.2"));
    assertThat(m.get("schemaVersion").asInt()).isEqualTo(1);
    assertThat(m.get("teacherId").asText()).isEqualTo("liver-teacher");
    assertThat(m.get("version").asText()).isEqualTo("7");
    assertThat(m.get("format").asText()).isEqualTo("djl");
    assertThat(m.get("files").get("onnx").asText()).isEqualTo("model.onnx");
    assertThat(m.get("files").get("modelCard").asText()).isEqualTo("model-card.json");
    assertThat(m.get("modality").asText()).isEqualTo("CT");
    assertThat(m.get("datasets").toString()).isEqualTo("[\"p1\",\"p2\"]");
    assertThat(m.get("spacingMm").toString()).isEqualTo("[2.0,3.0,4.0]");
    // patchSize is D, H, W; roiSize is x, y, z
    assertThat(m.get("roiSize").toString()).isEqualTo("[64,48,32]");
    assertThat(m.get("normalisation").get("method").asText()).isEqualTo("ct-window");
    assertThat(m.get("normalisation").get("std").asDouble()).isEqualTo(200);
    assertThat(m.get("outputClasses").toString()).isEqualTo("[\"background\",\"liver\"]");
    assertThat(m.get("storedChannels").isNull()).isTrue();
    assertThat(m.get("featureTap").asText()).isEqualTo("feature.decoder.2");
    assertThat(m.get("temperature").asDouble()).isEqualTo(1.0);
  }
}
