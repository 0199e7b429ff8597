package io.distillery.inference;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.distillery.contracts.ObjectKeys;
import io.distillery.devstack.DevStackTestResource;
import io.distillery.objectstore.ObjectStore;
import io.distillery.segml.checkpoint.Checkpoint;
import io.distillery.segml.checkpoint.IntensityNormalization;
import io.distillery.segml.checkpoint.ModelCard;
import io.distillery.segml.checkpoint.PreprocessingSpec;
import io.distillery.segml.export.OnnxExporter;
import io.distillery.segml.networks.SegmentationNetwork;
import io.distillery.segml.networks.UNet3d;
import io.distillery.segml.training.TrainingStep;
import io.distillery.segml.transforms.Augmentation;
import io.distillery.segml.transforms.Patch;
import io.distillery.segml.transforms.PatchSampler;
import io.distillery.segml.transforms.TrainingCase;
import io.distillery.segpipeline.SegmentationPipeline;
import io.distillery.servicekit.S3Config;
import io.distillery.volumeio.Grid;
import io.distillery.volumeio.LabelVolume;
import io.distillery.volumeio.Volume;
import io.distillery.volumeio.dataset.DatasetCase;
import io.distillery.volumeio.dataset.DatasetFolder;
import io.distillery.volumeio.dataset.SharedData;
import io.distillery.volumeio.nifti.NiftiReader;
import io.distillery.volumeio.orientation.Orientation;
import io.distillery.volumeio.resample.Resampler;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Produces {@code docs/inference-web.png}: trains a small liver model on four btcv-liver cases
 * (time-budgeted, {@code -Ddistillery.screenshot.trainSeconds}, default 600), publishes it,
 * segments the fifth case through the web page in headless Chromium and saves the screenshot.
 * Heavy: minutes of training; needs {@code ../shared/data} and {@code chromium}.
 *
 * <pre>
 * ./mvnw -B -o -pl inference-service verify -Dexcluded.test.groups= -Dgroups=heavy -Dtest=WebPageScreenshotTest
 * </pre>
 */
@Tag("heavy")
@QuarkusTest
@QuarkusTestResource(value = DevStackTestResource.class, restrictToAnnotatedClass = false)
class WebPageScreenshotTest {

  static final int[] PATCH = {32, 32, 32};
  static final double SPACING = 4.0;

  @Inject ObjectStore store;
  @Inject S3Config s3Config;

  @TestHTTPResource("/")
  URL root;

  private static ModelCard card(SegmentationNetwork net, IntensityNormalization ct, int steps) {
    return new ModelCard(
        ModelCard.SCHEMA_VERSION,
        "btcv-liver-demo",
        net.spec(),
        Map.of("steps", steps, "patch", "32^3", "batch", 2, "largestComponent", true),
        new PreprocessingSpec(
            "RAS", new double[] {SPACING, SPACING, SPACING}, ct, PATCH, "sliding-window", 0.5),
        List.of("background", "liver"),
        List.of("CT"),
        Map.of(),
        null);
  }

  @Test
  void screenshotOfARealSegmentation() throws Exception {
    Path folder = SharedData.dataset("btcv-liver").orElse(null);
    Assumptions.assumeTrue(folder != null, SharedData.missingMessage());
    Path chromium = Path.of("/usr/bin/chromium");
    Assumptions.assumeTrue(Files.isExecutable(chromium), "chromium is not installed");
    List<DatasetCase> cases = DatasetFolder.open(folder).cases();
    NiftiReader reader = NiftiReader.withDefaults();
    IntensityNormalization ct = new IntensityNormalization("ct-window", -125, 275, 75, 200);

    List<TrainingCase> training = new ArrayList<>();
    for (DatasetCase c : cases.subList(0, cases.size() - 1)) {
      DatasetCase.Loaded l = c.read(reader);
      Volume image =
          Resampler.toSpacing(
              Orientation.canonical(l.channels().get(0)), SPACING, SPACING, SPACING);
      LabelVolume label =
          Resampler.toGrid(Orientation.canonical(l.labels().orElseThrow()), image.grid());
      Grid g = image.grid();
      training.add(
          new TrainingCase(
              SegmentationPipeline.normalise(image, ct).data(),
              1,
              label.data(),
              new int[] {g.nz(), g.ny(), g.nx()}));
    }
    long budgetMs = Long.getLong("distillery.screenshot.trainSeconds", 600) * 1000;
    Path dir = Files.createTempDirectory("btcv-liver-demo-");
    Engine.getEngine("PyTorch").setRandomSeed(3);
    int steps = 0;
    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      SegmentationNetwork net =
          UNet3d.builder().setOutChannels(2).optBaseWidth(8).optDepth(3).build();
      net.initialize(manager, DataType.FLOAT32, new Shape(1, 1, 8, 8, 8));
      TrainingStep step = new TrainingStep(net, manager, 2e-3f);
      PatchSampler sampler = new PatchSampler(training, PATCH, 0.5, Augmentation.none(), 5);
      // Weights are promoted to "good" only after a later step's forward stayed finite with them.
      Path good = Files.createTempDirectory("btcv-liver-good-");
      Path candidate = Files.createTempDirectory("btcv-liver-candidate-");
      Checkpoint.save(net, card(net, ct, 0), good);
      boolean pending = false;
      int restores = 0;
      float loss = 0;
      int n = PATCH[0] * PATCH[1] * PATCH[2];
      long start = System.currentTimeMillis();
      while (System.currentTimeMillis() - start < budgetMs && restores < 50) {
        float[] image = new float[2 * n];
        int[] labels = new int[2 * n];
        for (int b = 0; b < 2; b++) {
          Patch p = sampler.next();
          System.arraycopy(p.image(), 0, image, b * n, n);
          for (int i = 0; i < n; i++) {
            labels[b * n + i] = p.labels()[i];
          }
        }
        loss = step.supervised(image, labels, 2, PATCH);
        steps++;
        if (!Float.isFinite(loss)) {
          // Seen on real patches at random steps, independent of the learning rate (reported).
          restores++;
          pending = false;
          net = Checkpoint.load(good, manager).network();
          step = new TrainingStep(net, manager, 2e-3f);
          System.out.printf(
              "screenshot model: step %d loss %s; restored last good weights%n", steps, loss);
          continue;
        }
        if (pending) {
          Path swap = good;
          good = candidate;
          candidate = swap;
          pending = false;
        }
        if (steps % 20 == 0) {
          Checkpoint.save(net, card(net, ct, steps), candidate);
          pending = true;
          System.out.printf("screenshot model: step %d loss %.4f%n", steps, loss);
        }
      }
      if (!Float.isFinite(loss)) {
        net = Checkpoint.load(good, manager).network();
      }
      System.out.printf("screenshot model: %d steps, %d restores%n", steps, restores);
      Checkpoint.save(net, card(net, ct, steps), dir);
      OnnxExporter.export(net, 0, dir.resolve("model.onnx"));
    }
    TestModels.publish(
        dir, store, s3Config.bucket(), "btcv-liver-demo", "1", List.of("background", "liver"));
    await()
        .atMost(Duration.ofSeconds(120))
        .until(() -> given().get("/api/v1/models").asString().contains("btcv-liver-demo"));

    DatasetCase held = cases.get(cases.size() - 1);
    String key = ObjectKeys.segmentation("web-demo-" + held.id(), "input.nii.gz");
    store.put(s3Config.bucket(), key, held.images().get(0), "application/gzip");
    Response labelsResponse =
        given()
            .queryParam("model", "btcv-liver-demo")
            .queryParam("objectKey", key)
            .post("/api/v1/segment");
    assertThat(labelsResponse.statusCode()).isEqualTo(200);
    LabelVolume predicted = reader.readLabels(labelsResponse.asByteArray(), Map.of());
    LabelVolume truth = reader.readLabels(held.label().orElseThrow(), Map.of());
    double dice = SyntheticVolumes.dice(predicted.data(), truth.data());
    System.out.printf(
        "screenshot model: %d steps; liver Dice on held-out %s (input grid) %.3f%n",
        steps, held.id(), dice);

    Path out =
        Path.of(System.getProperty("distillery.root", "..")).resolve("docs/inference-web.png");
    Files.createDirectories(out.getParent());
    Files.deleteIfExists(out);
    String url = root + "?model=btcv-liver-demo@1&objectKey=" + key;
    Process p =
        new ProcessBuilder(
                chromium.toString(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--hide-scrollbars",
                "--virtual-time-budget=120000",
                "--window-size=1280,560",
                "--screenshot=" + out,
                url)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.INHERIT)
            .start();
    assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
    assertThat(out).exists();
    assertThat(Files.size(out)).isGreaterThan(10_000);
    assertThat(dice).isGreaterThan(0.5);
  }
}
