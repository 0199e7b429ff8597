package io.distillery.tools.eval;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.distillery.phantoms.AbdominalPhantom;
import io.distillery.phantoms.LabelMap;
import io.distillery.phantoms.Organ;
import io.distillery.phantoms.Phantom;
import io.distillery.phantoms.PhantomSpec;
import io.distillery.segml.checkpoint.Checkpoint;
import io.distillery.segml.checkpoint.IntensityNormalization;
import io.distillery.segml.checkpoint.ModelCard;
import io.distillery.segml.checkpoint.PostprocessingSpec;
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
import io.distillery.volumeio.Grid;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A small liver model trained for real (seeded, a few Dice+CE steps of a base-4, depth-2 {@link
 * UNet3d} on 16³ patches of phantoms at 8 mm), saved as the student-trainer publishes a model:
 * {@code model-card.json} (organ post-processing included), {@code model.params}, {@code
 * model.onnx}.
 */
final class TinyModel {

  /** The phantoms' grid: the default field of view at the model's spacing. */
  static final PhantomSpec SPEC =
      PhantomSpec.defaults()
          .withGrid(48, 48, 32, 8, 8, 8)
          .withLabelMap(LabelMap.binary(Organ.LIVER));

  static final IntensityNormalization CT =
      new IntensityNormalization("ct-window", -125, 275, 75, 200);
  private static final int[] PATCH = {16, 16, 16};
  private static final int STEPS = 80;

  private static Path trained;

  private TinyModel() {}

  /** The model directory, trained once per JVM. */
  static synchronized Path trained() throws IOException {
    if (trained == null) {
      trained = train(java.nio.file.Files.createTempDirectory("tiny-liver-"));
    }
    return trained;
  }

  /** Trains on phantoms of seeds 1..3 and writes the model into {@code dir}. */
  static Path train(Path dir) {
    Engine.getEngine("PyTorch").setRandomSeed(5);
    List<TrainingCase> cases = new ArrayList<>();
    for (long seed = 1; seed <= 3; seed++) {
      Phantom p = AbdominalPhantom.generate(seed, SPEC);
      Grid g = p.image().grid();
      cases.add(
          new TrainingCase(
              SegmentationPipeline.normalise(p.image(), CT).data(),
              1,
              p.labels().data(),
              new int[] {g.nz(), g.ny(), g.nx()}));
    }
    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      SegmentationNetwork net =
          UNet3d.builder().setOutChannels(2).optBaseWidth(8).optDepth(2).build();
      net.initialize(manager, DataType.FLOAT32, new Shape(1, 1, 16, 16, 16));
      PatchSampler sampler = new PatchSampler(cases, PATCH, 0.5, Augmentation.none(), 9);
      TrainingStep step = new TrainingStep(net, manager, 0.01f);
      int n = PATCH[0] * PATCH[1] * PATCH[2];
      for (int s = 0; s < STEPS; s++) {
        float[] image = new float[2 * n];
        int[] labels = new int[2 * n];
        for (int b = 0; b < 2; b++) {
          Patch p = sampler.next();
          System.arraycopy(p.image(), 0, image, b * n, n);
          for (int i = 0; i < n; i++) {
            labels[b * n + i] = p.labels()[i];
          }
        }
        float loss = step.supervised(image, labels, 2, PATCH);
        if (!Float.isFinite(loss)) {
          throw new IllegalStateException("training turned non-finite at step " + s);
        }
      }
      ModelCard card =
          new ModelCard(
              ModelCard.SCHEMA_VERSION,
              "tiny-liver",
              net.spec(),
              Map.of("steps", STEPS, "seed", 5),
              new PreprocessingSpec(
                  "RAS", new double[] {8, 8, 8}, CT, PATCH, "sliding-window", 0.5),
              PostprocessingSpec.forOrgans(List.of("background", "liver")),
              List.of("background", "liver"),
              List.of("CT"),
              Map.of(),
              null);
      Checkpoint.save(net, card, dir);
      OnnxExporter.export(net, 0, dir.resolve("model.onnx"));
    }
    return dir;
  }
}
