package io.distillery.tools.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.distillery.tools.UsageException;
import io.distillery.volumeio.Affine;
import io.distillery.volumeio.Grid;
import io.distillery.volumeio.LabelVolume;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The table, the option parsing and the organ masks, without a stack. */
class DemoReportTest {

  @Test
  void tablePrintsDicePerOrganSizesRatiosAndStages() {
    DemoReport report = new DemoReport("title");
    report.validationCases(2);
    report.stage("ingest", 1.5);
    report.stage("teachers", 10);
    for (String organ : DemoData.ORGANS) {
      report.teacher(
          new DemoReport.ModelResult(
              organ + "-teacher",
              "7",
              "UNet3d w8 d3",
              List.of(organ),
              1000,
              4000,
              "OnnxRuntime",
              Map.of(organ, 0.9),
              100));
    }
    report.student(
        new DemoReport.ModelResult(
            "abdomen-student",
            "7",
            "UNet3d w4 d3",
            DemoData.ORGANS,
            1000,
            2000,
            "OnnxRuntime",
            Map.of("liver", 0.8, "spleen", 0.7, "kidney", 0.6, "pancreas", 0.5),
            50));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    report.print(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    String table = bytes.toString(StandardCharsets.UTF_8);
    assertThat(table)
        .contains("Dice per organ on the validation set (2 cases")
        .containsPattern("liver-teacher@7 +0\\.900 +- +- +- +0\\.900")
        .containsPattern("4 teachers \\(own organ\\) +0\\.900 +0\\.900 +0\\.900 +0\\.900 +0\\.900")
        .containsPattern("abdomen-student@7 +0\\.800 +0\\.700 +0\\.600 +0\\.500 +0\\.650")
        .containsPattern("4 teachers \\(sum\\) +4000 +16000 +400")
        .containsPattern("student / 4 teachers +0\\.250x +0\\.125x +0\\.125x")
        .containsPattern("total +11\\.5 s");
  }

  @Test
  void optionsChoosePresetsAndRefuseUnknownOnes() {
    assertThat(DemoCommand.parse(new String[] {}).preset()).isEqualTo(DemoPreset.DEFAULT);
    assertThat(DemoCommand.parse(new String[] {"--quick", "--synthetic"}))
        .satisfies(
            a -> {
              assertThat(a.preset()).isEqualTo(DemoPreset.QUICK);
              assertThat(a.synthetic()).isTrue();
            });
    assertThat(DemoCommand.parse(new String[] {"--preset", "tiny"}).preset())
        .isEqualTo(DemoPreset.TINY);
    assertThatThrownBy(() -> DemoCommand.parse(new String[] {"--preset", "huge"}))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("known: tiny, quick, default");
    assertThatThrownBy(() -> DemoCommand.parse(new String[] {"--fast"}))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("unknown option '--fast'");
  }

  @Test
  void organMasksMergeBothKidneysOfTheMultiOrganLabels() {
    Grid grid = new Grid(6, 1, 1, Affine.of3x4(1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0));
    LabelVolume labels =
        LabelVolume.of(grid, new short[] {0, 1, 2, 3, 6, 11})
            .withNames(
                Map.of(
                    1, "spleen", 2, "right_kidney", 3, "left_kidney", 6, "liver", 11, "pancreas"));
    Map<String, int[]> masks = Demo.organMasks(labels);
    assertThat(masks.get("spleen")).containsExactly(0, 1, 0, 0, 0, 0);
    assertThat(masks.get("kidney")).containsExactly(0, 0, 1, 1, 0, 0);
    assertThat(masks.get("liver")).containsExactly(0, 0, 0, 0, 1, 0);
    assertThat(masks.get("pancreas")).containsExactly(0, 0, 0, 0, 0, 1);
  }
}
