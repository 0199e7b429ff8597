package io.distillery.tools.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.distillery.phantoms.PhantomDatasets;
import io.distillery.segml.metrics.DiceMetric;
import io.distillery.tools.Main;
import io.distillery.tools.MainTestAccess;
import io.distillery.volumeio.LabelVolume;
import io.distillery.volumeio.Volume;
import io.distillery.volumeio.dataset.DatasetCase;
import io.distillery.volumeio.dataset.DatasetFolder;
import io.distillery.volumeio.nifti.NiftiReader;
import io.distillery.volumeio.nifti.NiftiWriter;
import io.distillery.volumeio.orientation.AxisTransform;
import io.distillery.volumeio.orientation.Orientation;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code eval --model} on phantom folders with a model trained in the test: scores that agree with
 * the written label maps, label maps on each case's own grid (one case stored LAS), a folder
 * without labels, and clear usage errors for a label map that does not fit.
 */
class EvalCommandTest {

  @TempDir static Path tmp;
  private static Path model;
  private static Path labelled;
  private static Path unlabelled;

  @BeforeAll
  static void prepare() throws Exception {
    model = TinyModel.trained();
    labelled = PhantomDatasets.write(tmp.resolve("labelled"), TinyModel.SPEC, 1000, 2, true);
    // Store the second case in LAS voxel order: the model sees RAS, the output must not.
    DatasetCase second = DatasetFolder.open(labelled).cases().get(1);
    NiftiReader reader = NiftiReader.withDefaults();
    DatasetCase.Loaded loaded = second.read(reader);
    AxisTransform toLas = Orientation.transformTo(loaded.image().grid(), "LAS");
    NiftiWriter.write(toLas.apply(loaded.image()), second.images().get(0));
    NiftiWriter.write(toLas.apply(loaded.labels().orElseThrow()), second.label().orElseThrow());
    unlabelled = PhantomDatasets.write(tmp.resolve("unlabelled"), TinyModel.SPEC, 1002, 1, false);
  }

  private static String run(String... args) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new EvalCommand(tmp).run(args, new PrintStream(out, true, StandardCharsets.UTF_8));
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void scoresEveryCaseOnItsOwnGridAndWritesTheLabelMaps() throws Exception {
    Path out = tmp.resolve("out-labelled");
    String printed =
        run(
            "--model", model.toString(),
            "--data", labelled.toString(),
            "--label-map", "{\"liver\": \"liver\"}",
            "--out", out.toString());
    assertThat(printed).contains("### Dice", "### HD95 (mm)", "### NSD", "phantom_1000");

    JsonNode report = new ObjectMapper().readTree(out.resolve("report.json").toFile());
    assertThat(report.path("scored").asBoolean()).isTrue();
    assertThat(report.path("engine").asText()).isEqualTo("OnnxRuntime");
    assertThat(report.path("cases")).hasSize(2);
    assertThat(Files.readString(out.resolve("report.md"))).contains("| **mean** |");

    NiftiReader reader = NiftiReader.withDefaults();
    double sum = 0;
    for (JsonNode c : report.path("cases")) {
      DatasetCase source = DatasetFolder.open(labelled).find(c.path("id").asText()).orElseThrow();
      DatasetCase.Loaded loaded = source.read(reader);
      Volume image = loaded.image();
      LabelVolume written =
          reader.readLabels(Path.of(c.path("output").asText()), java.util.Map.of());
      // The written map lies on the case's own grid: same shape, same affine, same voxel order.
      assertThat(written.grid().shape()).containsExactly(image.grid().shape());
      assertThat(written.grid().matches(image.grid(), 1e-4)).isTrue();
      assertThat(Orientation.axcodes(written.grid())).isEqualTo(Orientation.axcodes(image.grid()));
      // And the reported Dice is the Dice of that file against the case's label.
      double dice =
          DiceMetric.compute(
                  toInts(written.data()), toInts(loaded.labels().orElseThrow().data()), 2)
              .of(1);
      JsonNode scores = c.path("scores");
      assertThat(scores.path("dice").path("liver").asDouble()).isCloseTo(dice, within(1e-9));
      assertThat(scores.path("nsd").path("liver").asDouble()).isBetween(0.0, 1.0);
      assertThat(scores.path("hd95").has("liver")).isTrue();
      assertThat(c.path("inferenceSeconds").asDouble()).isPositive();
      sum += dice;
    }
    assertThat(Orientation.axcodes(reader.readHeader(out.resolve("phantom_1001.nii.gz")).grid()))
        .isEqualTo("LAS");
    assertThat(report.path("mean").path("dice").path("liver").asDouble())
        .isCloseTo(sum / 2, within(1e-9));
  }

  @Test
  void aFolderWithoutLabelsGetsLabelMapsAndTimesOnly() throws Exception {
    Path out = tmp.resolve("out-unlabelled");
    run("--model", model.toString(), "--data", unlabelled.toString(), "--out", out.toString());
    JsonNode report = new ObjectMapper().readTree(out.resolve("report.json").toFile());
    assertThat(report.path("scored").asBoolean()).isFalse();
    assertThat(report.path("mean").isNull()).isTrue();
    JsonNode c = report.path("cases").get(0);
    assertThat(c.path("scores").isNull()).isTrue();
    assertThat(out.resolve(c.path("id").asText() + ".nii.gz")).isRegularFile();
  }

  @Test
  void aLabelMapThatDoesNotFitIsAUsageErrorNamingTheChoices() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Main main = MainTestAccess.with("eval", new EvalCommand(tmp));
    int status =
        MainTestAccess.run(
            main,
            err,
            "eval",
            "--model",
            model.toString(),
            "--data",
            labelled.toString(),
            "--label-map",
            "{\"1\": \"livr\"}");
    assertThat(status).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("\"livr\"")
        .contains("[background, liver]")
        .contains("usage: ./distillery eval");

    err.reset();
    status =
        MainTestAccess.run(
            main,
            err,
            "eval",
            "--model",
            model.toString(),
            "--data",
            labelled.toString(),
            "--label-map",
            "{\"7\": \"liver\"}");
    assertThat(status).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("dataset label value 7")
        .contains("liver");
  }

  private static int[] toInts(short[] s) {
    int[] out = new int[s.length];
    for (int i = 0; i < s.length; i++) {
      out[i] = Short.toUnsignedInt(s[i]);
    }
    return out;
  }
}
