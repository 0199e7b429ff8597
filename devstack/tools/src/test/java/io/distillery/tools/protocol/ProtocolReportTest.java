package io.distillery.tools.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.distillery.segml.metrics.VoxelGrid;
import io.distillery.tools.protocol.ProtocolReport.Arm;
import io.distillery.tools.protocol.ProtocolReport.CaseScore;
import io.distillery.tools.protocol.ProtocolReport.CurvePoint;
import io.distillery.volumeio.Affine;
import io.distillery.volumeio.Grid;
import io.distillery.volumeio.LabelVolume;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report writer on scores computed here by {@link ProtocolRunner#score} (seg-ml's metrics) on
 * two label maps: a reference cube and a prediction shifted by one voxel.
 */
class ProtocolReportTest {

  @TempDir Path dir;

  @Test
  void writesJsonMarkdownAndPlotsFromComputedScores() throws Exception {
    int n = 20;
    Grid grid = new Grid(n, n, n, Affine.diagonal(1.5, 1.5, 3, 0, 0, 0));
    short[] ref = new short[grid.size()];
    short[] pred = new short[grid.size()];
    for (int z = 5; z < 15; z++) {
      for (int y = 5; y < 15; y++) {
        for (int x = 5; x < 15; x++) {
          ref[grid.index(x, y, z)] = 6; // liver in btcv-multiorgan-val
          pred[grid.index(x + 1, y, z)] = 1; // the model's class 1
        }
      }
    }
    VoxelGrid voxels = new VoxelGrid(n, n, n, new double[] {3, 1.5, 1.5});
    CaseScore shifted =
        ProtocolRunner.score(
            "case-a", LabelVolume.of(grid, pred), LabelVolume.of(grid, ref), 1, Set.of(6), voxels);
    CaseScore exact =
        ProtocolRunner.score(
            "case-a", LabelVolume.of(grid, ref), LabelVolume.of(grid, ref), 6, Set.of(6), voxels);
    // A 10-voxel cube shifted by one voxel along x overlaps 9/10: Dice 0.9.
    assertThat(shifted.dice()).isCloseTo(0.9, within(1e-9));
    assertThat(shifted.hd95()).isCloseTo(1.5, within(1e-9));
    assertThat(exact.dice()).isEqualTo(1.0);
    assertThat(exact.hd95()).isEqualTo(0.0);
    assertThat(exact.nsd()).isEqualTo(1.0);

    Map<String, List<CaseScore>> a = new LinkedHashMap<>();
    a.put("liver", List.of(shifted));
    Map<String, List<CaseScore>> b = new LinkedHashMap<>();
    b.put("liver", List.of(exact));
    ProtocolReport report =
        new ProtocolReport(
            "ms-kd-btcv",
            "test",
            "./distillery eval --protocol ms-kd-btcv --budget 10steps",
            "2026-01-01T00:00:00Z",
            42,
            "10 steps per job",
            12.5,
            "btcv-multiorgan-val/val",
            List.of("case-a"),
            Map.of("liver", Set.of(6)),
            ProtocolRunner.NSD_TOLERANCE_MM,
            List.of(
                new Arm(
                    "baseline",
                    "shifted",
                    "j1",
                    "teacher/supervised",
                    "m1",
                    "1",
                    "{}",
                    10,
                    "SUCCEEDED",
                    3.0,
                    a,
                    20.0,
                    List.of(new CurvePoint(5, 1.2), new CurvePoint(10, 0.8))),
                new Arm(
                    "ms-kd",
                    "exact",
                    "j2",
                    "distill/ms-kd",
                    "m2",
                    "1",
                    "{}",
                    10,
                    "SUCCEEDED",
                    4.0,
                    b,
                    21.0,
                    List.of(new CurvePoint(5, 1.0), new CurvePoint(10, 0.5)))),
            List.of("(d) not run: reason"));
    report.write(dir);

    JsonNode json = new ObjectMapper().readTree(dir.resolve("report.json").toFile());
    assertThat(json.path("arms").get(0).path("scores").path("liver").get(0).path("dice").asDouble())
        .isEqualTo(shifted.dice());
    assertThat(json.path("arms").get(1).path("curve")).hasSize(2);
    String md = Files.readString(dir.resolve("report.md"));
    assertThat(md)
        .contains("| baseline | m1@1 | 0.900 / 1.5 / ")
        .contains("| ms-kd | m2@1 | 1.000 / 0.0 / 1.000 |")
        .contains("(d) not run: reason");
    for (String png : List.of("dice.png", "training-curves.png")) {
      BufferedImage img = ImageIO.read(dir.resolve(png).toFile());
      assertThat(img).as(png).isNotNull();
      assertThat(img.getWidth()).isEqualTo(900);
    }
    // The Dice bars are drawn in the arms' colours: the plot is not blank.
    BufferedImage bars = ImageIO.read(dir.resolve("dice.png").toFile());
    assertThat(bars.getRGB(150, 400) & 0xffffff).isNotEqualTo(0xffffff);
  }
}
