package io.distillery.inference;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.distillery.contracts.EncodedEvent;
import io.distillery.contracts.EventCodec;
import io.distillery.contracts.ObjectKeys;
import io.distillery.contracts.ObjectRef;
import io.distillery.contracts.events.StudentModelPublished;
import io.distillery.devstack.TopicProbe;
import io.distillery.objectstore.ObjectStore;
import io.distillery.objectstore.StoredObject;
import io.distillery.segml.checkpoint.Checkpoint;
import io.distillery.segml.checkpoint.IntensityNormalization;
import io.distillery.segml.checkpoint.ModelCard;
import io.distillery.segml.checkpoint.PostprocessingSpec;
import io.distillery.segml.checkpoint.PreprocessingSpec;
import io.distillery.segml.export.OnnxExporter;
import io.distillery.segml.networks.SegmentationNetwork;
import io.distillery.segml.networks.UNet3d;
import io.distillery.segml.training.TrainingStep;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A small real model for the service tests: a base-8 (the narrowest the trainer trains,
 * docs/quality.md), depth-2 {@link UNet3d} trained (seeded, 600 Dice+CE steps on 16³ synthetic
 * patches at 2 mm, body edges along every axis) to find the bright organ of {@link
 * SyntheticVolumes}, saved with {@link Checkpoint#save} (organ post-processing in the card) and
 * exported with {@link OnnxExporter}, as the student-trainer publishes students. Trained once per
 * JVM.
 */
final class TestModels {

  static final int[] ROI = {16, 16, 16};
  static final double SPACING_MM = 2.0;

  /**
   * Training steps: at 300 the raw argmax of the tests' 14 mm organ reached Dice 0.79, at 600 above
   * 0.8.
   */
  private static final int STEPS = 600;

  private static Path trained;

  private TestModels() {}

  /** The checkpoint directory (model.params, model-card.json, model.onnx), trained on first use. */
  static synchronized Path trained() throws IOException {
    if (trained == null) {
      trained = train(Files.createTempDirectory("inference-test-model-"));
    }
    return trained;
  }

  private static Path untrained;

  /**
   * The same network, initialised (seeded) but not trained, saved and exported the same way: for
   * tests about what the service does with a model's metadata or under load, not its predictions.
   */
  static synchronized Path untrained() throws IOException {
    if (untrained == null) {
      untrained = Files.createTempDirectory("inference-untrained-model-");
      Engine.getEngine("PyTorch").setRandomSeed(7);
      try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
        SegmentationNetwork net = network(manager);
        Checkpoint.save(net, card(net, 0), untrained);
        OnnxExporter.export(net, 0, untrained.resolve("model.onnx"));
      }
    }
    return untrained;
  }

  /** The test network (base width 8, depth 2, two classes), initialised from the seeded engine. */
  private static SegmentationNetwork network(NDManager manager) {
    SegmentationNetwork net =
        UNet3d.builder().setOutChannels(2).optBaseWidth(8).optDepth(2).build();
    net.initialize(manager, DataType.FLOAT32, new Shape(1, 1, 16, 16, 16));
    return net;
  }

  private static ModelCard card(SegmentationNetwork net, int steps) {
    IntensityNormalization ct = new IntensityNormalization("ct-window", -200, 300, 50, 250);
    return new ModelCard(
        ModelCard.SCHEMA_VERSION,
        "synthetic",
        net.spec(),
        Map.of("steps", steps),
        new PreprocessingSpec(
            "RAS",
            new double[] {SPACING_MM, SPACING_MM, SPACING_MM},
            ct,
            ROI,
            "sliding-window",
            0.5),
        // As the student-trainer writes it, so that the service tests run the organ path.
        PostprocessingSpec.forOrgans(List.of("background", "organ")),
        List.of("background", "organ"),
        List.of("CT"),
        Map.of(),
        null);
  }

  private static Path train(Path dir) {
    Engine.getEngine("PyTorch").setRandomSeed(7);
    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      SegmentationNetwork net = network(manager);
      TrainingStep step = new TrainingStep(net, manager, 0.01f);
      Random rnd = new Random(11);
      int batch = 2;
      int n = ROI[0] * ROI[1] * ROI[2];
      for (int s = 0; s < STEPS; s++) {
        float[] image = new float[batch * n];
        int[] labels = new int[batch * n];
        for (int b = 0; b < batch; b++) {
          patch(rnd, image, labels, b * n);
        }
        float loss = step.supervised(image, labels, batch, ROI);
        if (!Float.isFinite(loss)) {
          throw new IllegalStateException("test model loss is non-finite at step " + s);
        }
      }
      Checkpoint.save(net, card(net, STEPS), dir);
      OnnxExporter.export(net, 0, dir.resolve("model.onnx"));
    }
    return dir;
  }

  /** A 16³ patch at 2 mm, normalised as the card says: body, air corner, maybe a bright sphere. */
  private static void patch(Random rnd, float[] image, int[] labels, int offset) {
    double cx = rnd.nextDouble() * 16;
    double cy = rnd.nextDouble() * 16;
    double cz = rnd.nextDouble() * 16;
    double r = 2 + rnd.nextDouble() * 5;
    boolean organ = rnd.nextDouble() < 0.8;
    // Air beyond a plane across one axis, on either side: the test volumes have body edges
    // along x and y, and a model that only saw one orientation takes the other for the organ.
    double airEdge = rnd.nextDouble() < 0.5 ? -1 : rnd.nextDouble() * 16;
    int airAxis = rnd.nextInt(3);
    boolean airLow = rnd.nextBoolean();
    for (int z = 0, i = 0; z < 16; z++) {
      for (int y = 0; y < 16; y++) {
        for (int x = 0; x < 16; x++, i++) {
          int c = airAxis == 0 ? x : airAxis == 1 ? y : z;
          boolean air = airEdge >= 0 && (airLow ? c < airEdge : c > 15 - airEdge);
          float hu = air ? SyntheticVolumes.AIR : SyntheticVolumes.BODY;
          boolean in =
              organ && (x - cx) * (x - cx) + (y - cy) * (y - cy) + (z - cz) * (z - cz) <= r * r;
          if (in) {
            hu = SyntheticVolumes.ORGAN;
          }
          hu += (float) rnd.nextGaussian() * 15f;
          image[offset + i] = (Math.min(Math.max(hu, -200f), 300f) - 50f) / 250f;
          labels[offset + i] = in ? 1 : 0;
        }
      }
    }
  }

  /**
   * Uploads the checkpoint as {@code name@version} and publishes {@link StudentModelPublished}
   * through the broker; {@code labelNames} may rename the classes (to tell versions apart).
   */
  static void publish(
      ObjectStore store, String bucket, String name, String version, List<String> labelNames)
      throws IOException {
    publish(trained(), store, bucket, name, version, labelNames);
  }

  /** Uploads the checkpoint in {@code source} (with {@code model.onnx}) and announces it. */
  static void publish(
      Path source,
      ObjectStore store,
      String bucket,
      String name,
      String version,
      List<String> labelNames)
      throws IOException {
    ModelCard card = Checkpoint.readCard(source);
    ModelCard renamed =
        new ModelCard(
            card.schemaVersion(),
            name,
            card.architecture(),
            card.hyperParameters(),
            card.preprocessing(),
            card.postprocessing() == null ? null : PostprocessingSpec.forOrgans(labelNames),
            labelNames,
            card.modalities(),
            card.trainingMetrics(),
            card.paramsSha256());
    Map<String, byte[]> files = new LinkedHashMap<>();
    files.put("params", Files.readAllBytes(source.resolve(Checkpoint.PARAMS_FILE)));
    files.put("onnx", Files.readAllBytes(source.resolve("model.onnx")));
    files.put(
        "modelCard", Checkpoint.toJson(renamed).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    Map<String, String> fileNames =
        Map.of("params", "model.params", "onnx", "model.onnx", "modelCard", "model-card.json");
    store.ensureBucket(bucket);
    Map<String, ObjectRef> refs = new LinkedHashMap<>();
    for (Map.Entry<String, byte[]> f : files.entrySet()) {
      String type =
          f.getKey().equals("modelCard") ? "application/json" : "application/octet-stream";
      StoredObject stored =
          store.put(
              bucket,
              ObjectKeys.modelFile(name, version, fileNames.get(f.getKey())),
              f.getValue(),
              type);
      refs.put(
          f.getKey(), new ObjectRef(bucket, stored.key(), stored.sha256(), stored.size(), type));
    }
    Map<String, String> labels = new LinkedHashMap<>();
    for (int i = 0; i < labelNames.size(); i++) {
      labels.put(Integer.toString(i), labelNames.get(i));
    }
    EncodedEvent encoded =
        new EventCodec()
            .encode(
                new StudentModelPublished(
                    name, version, "job-test", "supervised", refs, labels, Map.of(), Instant.now()),
                "/distillery/tests",
                null);
    TopicProbe.shared().send(encoded.topic(), encoded.key(), encoded.headers(), encoded.payload());
  }
}
