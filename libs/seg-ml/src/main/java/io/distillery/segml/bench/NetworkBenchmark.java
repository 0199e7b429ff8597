package io.distillery.segml.bench;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.distillery.segml.engine.DjlWindowPredictor;
import io.distillery.segml.engine.EngineThreads;
import io.distillery.segml.engine.OnnxModelWindowPredictor;
import io.distillery.segml.export.OnnxExporter;
import io.distillery.segml.inferers.WindowPredictor;
import io.distillery.segml.networks.LiteUNet3d;
import io.distillery.segml.networks.SegmentationNetwork;
import io.distillery.segml.networks.UNet3d;
import io.distillery.segml.training.TrainingStep;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Benchmarks the default teacher ({@link UNet3d}) and student ({@link LiteUNet3d}), 2 classes:
 * parameters, GFLOPs per 128³ window, training step time ({@link TrainingStep#supervised}: Dice +
 * CE, Adam, batch 2, 96³), inference time per 128³ window on ONNX Runtime and on DJL PyTorch, peak
 * RSS — and student/teacher ratios.
 *
 * <p>Without arguments it runs each model in its own child JVM (so that peak RSS, {@code VmHWM}, is
 * per model) and prints the table with each model's ratio to the teacher; {@code --models
 * teacher,student[,dense5]} picks the models (default teacher,student; {@code dense5} is a
 * dense-convolution {@link UNet3d} of base width 5, the candidate student for CPU training); {@code
 * --model NAME} runs one model and prints one {@code RESULT} line. Options: {@code --threads N}
 * (default 2), {@code --reps N} timed repetitions after one warm-up (default 2).
 */
public final class NetworkBenchmark {

  private static final int TRAIN_SIZE = 96;
  private static final int INFER_SIZE = 128;
  private static final int CLASSES = 2;

  private NetworkBenchmark() {}

  /** Entry point, see the class comment. */
  public static void main(String[] args) throws Exception {
    Map<String, String> options = new LinkedHashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    }
    int threads = Integer.parseInt(options.getOrDefault("threads", "2"));
    int reps = Integer.parseInt(options.getOrDefault("reps", "2"));
    String model = options.get("model");
    if (model != null) {
      runOne(model, threads, reps);
    } else {
      orchestrate(
          List.of(options.getOrDefault("models", "teacher,student").split(",")), threads, reps);
    }
  }

  private static void orchestrate(List<String> models, int threads, int reps)
      throws IOException, InterruptedException {
    if (!models.contains("teacher")) {
      throw new IllegalArgumentException("--models must include teacher (ratios are to it)");
    }
    String java = ProcessHandle.current().info().command().orElse("java");
    Map<String, Map<String, Double>> results = new LinkedHashMap<>();
    for (String model : models) {
      List<String> command =
          new ArrayList<>(
              List.of(
                  java,
                  "-Xmx2g",
                  "-XX:+UseSerialGC",
                  "-Dai.djl.offline=true",
                  "-cp",
                  System.getProperty("java.class.path"),
                  NetworkBenchmark.class.getName(),
                  "--model",
                  model,
                  "--threads",
                  Integer.toString(threads),
                  "--reps",
                  Integer.toString(reps)));
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      try (BufferedReader out =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = out.readLine()) != null) {
          if (line.startsWith("RESULT ")) {
            results.put(model, parse(line));
          } else if (line.startsWith("#")) {
            System.out.println(line);
          }
        }
      }
      if (process.waitFor() != 0 || !results.containsKey(model)) {
        throw new IllegalStateException("benchmark of " + model + " failed");
      }
    }
    print(results, threads, reps);
  }

  private static Map<String, Double> parse(String line) {
    Map<String, Double> values = new LinkedHashMap<>();
    for (String pair : line.substring("RESULT ".length()).trim().split(" ")) {
      String[] kv = pair.split("=");
      values.put(kv[0], Double.parseDouble(kv[1]));
    }
    return values;
  }

  private static void print(Map<String, Map<String, Double>> r, int threads, int reps) {
    Map<String, Double> t = r.get("teacher");
    System.out.printf(
        Locale.ROOT,
        "%nseg-ml network benchmark (%d threads, mean of %d timed reps after 1 warm-up, %d classes)%n",
        threads,
        reps,
        CLASSES);
    StringBuilder header = new StringBuilder(String.format(Locale.ROOT, "%-34s", ""));
    for (String m : r.keySet()) {
      header.append(String.format(Locale.ROOT, " %14s", m));
    }
    for (String m : r.keySet()) {
      if (!m.equals("teacher")) {
        header.append(String.format(Locale.ROOT, " %14s", m + "/t"));
      }
    }
    System.out.println(header);
    row("parameters", r, t, "params", "%,.0f");
    row("GFLOPs per 128^3 window", r, t, "gflops", "%.1f");
    row("train step, batch 2, 96^3 (s)", r, t, "trainS", "%.2f");
    row("inference 128^3, ONNX Runtime (s)", r, t, "ortS", "%.2f");
    row("inference 128^3, DJL PyTorch (s)", r, t, "djlS", "%.2f");
    row("peak RSS (MB)", r, t, "peakRssMb", "%.0f");
  }

  private static void row(
      String name,
      Map<String, Map<String, Double>> r,
      Map<String, Double> t,
      String key,
      String format) {
    StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-34s", name));
    for (Map<String, Double> m : r.values()) {
      line.append(
          String.format(Locale.ROOT, " %14s", String.format(Locale.ROOT, format, m.get(key))));
    }
    for (Map.Entry<String, Map<String, Double>> e : r.entrySet()) {
      if (!e.getKey().equals("teacher")) {
        line.append(String.format(Locale.ROOT, " %14.3f", e.getValue().get(key) / t.get(key)));
      }
    }
    System.out.println(line);
  }

  private static void runOne(String model, int threads, int reps) throws IOException {
    EngineThreads.configure(threads);
    SegmentationNetwork net =
        switch (model) {
          case "teacher" -> UNet3d.builder().setOutChannels(CLASSES).build();
          case "student" -> LiteUNet3d.builder().setOutChannels(CLASSES).build();
          // Candidate CPU-training student: dense convolutions, base width 5 (5/10/20/40).
          case "dense5" -> UNet3d.builder().setOutChannels(CLASSES).optBaseWidth(5).build();
          default ->
              throw new IllegalArgumentException("--model teacher|student|dense5, got " + model);
        };
    Random random = new Random(1);
    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      net.initialize(manager, DataType.FLOAT32, new Shape(1, 1, 32, 32, 32));
      double gflops = net.flopsPerVoxel() * Math.pow(INFER_SIZE, 3) / 1e9;
      long params = net.parameterCount();

      Path onnx = Files.createTempFile("segml-bench-" + model, ".onnx");
      OnnxExporter.export(net, 0, onnx);
      int[] window = {INFER_SIZE, INFER_SIZE, INFER_SIZE};
      float[] volume = gaussian(random, INFER_SIZE * INFER_SIZE * INFER_SIZE);
      double ortS;
      try (WindowPredictor ort = OnnxModelWindowPredictor.onnxRuntime(onnx, 1, CLASSES, threads)) {
        ortS = time(reps, () -> ort.predict(volume, 1, window));
      }
      Files.deleteIfExists(onnx);
      double djlS;
      try (WindowPredictor djl = new DjlWindowPredictor(net, 0)) {
        djlS = time(reps, () -> djl.predict(volume, 1, window));
      }

      int voxels = TRAIN_SIZE * TRAIN_SIZE * TRAIN_SIZE;
      float[] image = gaussian(random, 2 * voxels);
      int[] labels = new int[2 * voxels];
      for (int i = 0; i < labels.length; i++) {
        labels[i] = image[i] > 0.5f ? 1 : 0;
      }
      TrainingStep trainer = new TrainingStep(net, manager, 1e-3f);
      int[] dhw = {TRAIN_SIZE, TRAIN_SIZE, TRAIN_SIZE};
      double trainS = time(reps, () -> trainer.supervised(image, labels, 2, dhw));

      System.out.printf(
          Locale.ROOT,
          "RESULT params=%d gflops=%.3f trainS=%.3f ortS=%.3f djlS=%.3f peakRssMb=%.1f%n",
          params,
          gflops,
          trainS,
          ortS,
          djlS,
          peakRssMb());
    }
  }

  private static float[] gaussian(Random random, int n) {
    float[] values = new float[n];
    for (int i = 0; i < n; i++) {
      values[i] = (float) random.nextGaussian();
    }
    return values;
  }

  /** One warm-up call, then the mean wall time of {@code reps} calls, in seconds. */
  private static double time(int reps, Runnable action) {
    action.run();
    long start = System.nanoTime();
    for (int i = 0; i < reps; i++) {
      action.run();
    }
    return (System.nanoTime() - start) / 1e9 / reps;
  }

  /** Peak resident set size of this process ({@code VmHWM}), in MB. */
  static double peakRssMb() throws IOException {
    return procStatusKb("VmHWM:") / 1024.0;
  }

  /** A {@code kB} field of {@code /proc/self/status}. */
  public static long procStatusKb(String field) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith(field)) {
        return Long.parseLong(line.substring(field.length()).trim().split("\\s+")[0]);
      }
    }
    throw new IOException(field + " not found in /proc/self/status");
  }
}
