package io.distillery.segpipeline;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Where TensorRT artefacts of a model live. A TensorRT engine is only valid for the GPU model and
 * TensorRT version it was built with, so the cache is keyed by both:
 *
 * <pre>
 * {cacheDir}/{gpu-model}_trt-{tensorrt-version}/{model}/{version}/{modality}_b{batch}_{D}x{H}x{W}.onnx
 * </pre>
 *
 * The file is the fixed-shape ONNX export from which DJL's TensorRT engine builds its engine at
 * load (dynamic spatial shapes crash that engine; the window shape is fixed by the model card). The
 * GPU model comes from {@code nvidia-smi --query-gpu=name}, the TensorRT version from the {@code
 * libnvinfer.so.*} found on the library path (or {@code TENSORRT_VERSION}). Without either there is
 * no key, and TensorRT is skipped with that reason.
 *
 * <p>Not exercised on a GPU here: the build machines have none (see README).
 */
public final class TensorRtCache {

  private final Path root;

  /**
   * @param root cache directory
   */
  public TensorRtCache(Path root) {
    this.root = root;
  }

  /**
   * The cache key {@code {gpu}_trt-{version}} (file-name safe), or empty with no GPU or no
   * TensorRT.
   */
  public static Optional<String> key(String gpuModel, String tensorRtVersion) {
    if (gpuModel == null
        || gpuModel.isBlank()
        || tensorRtVersion == null
        || tensorRtVersion.isBlank()) {
      return Optional.empty();
    }
    return Optional.of(safe(gpuModel) + "_trt-" + safe(tensorRtVersion));
  }

  /** The key of this machine, or empty with the reason in {@link #whyNoKey()}. */
  public Optional<String> localKey() {
    return key(detectGpuModel().orElse(null), detectTensorRtVersion().orElse(null));
  }

  /** Why {@link #localKey()} is empty, for the engine-selection log. */
  public String whyNoKey() {
    if (detectGpuModel().isEmpty()) {
      return "no GPU found (nvidia-smi absent or reports none)";
    }
    return "no TensorRT library found (libnvinfer.so.* on LD_LIBRARY_PATH, or TENSORRT_VERSION)";
  }

  /** The fixed-shape ONNX file of a model window shape under {@code key}. */
  public Path fixedShapeOnnx(
      String key, String model, String version, String modality, int batch, int[] roiDhw) {
    return root.resolve(key)
        .resolve(safe(model))
        .resolve(safe(version))
        .resolve(
            String.format(
                Locale.ROOT,
                "%s_b%d_%dx%dx%d.onnx",
                safe(modality),
                batch,
                roiDhw[0],
                roiDhw[1],
                roiDhw[2]));
  }

  /** {@code s} with every run of characters outside {@code [A-Za-z0-9._-]} replaced by a dash. */
  public static String safe(String s) {
    return s.trim().replaceAll("[^A-Za-z0-9._-]+", "-");
  }

  static Optional<String> detectGpuModel() {
    try {
      Process p =
          new ProcessBuilder("nvidia-smi", "--query-gpu=name", "--format=csv,noheader")
              .redirectErrorStream(true)
              .start();
      String out;
      try (InputStream in = p.getInputStream()) {
        out = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
      }
      if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0 || out.isEmpty()) {
        return Optional.empty();
      }
      return Optional.of(out.lines().findFirst().orElse(out));
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  static Optional<String> detectTensorRtVersion() {
    String env = System.getenv("TENSORRT_VERSION");
    if (env != null && !env.isBlank()) {
      return Optional.of(env);
    }
    String path = System.getenv().getOrDefault("LD_LIBRARY_PATH", "");
    String dirs = path + ":/usr/lib/x86_64-linux-gnu:/usr/local/lib:/usr/lib";
    return Arrays.stream(dirs.split(":"))
        .filter(d -> !d.isBlank())
        .map(Path::of)
        .filter(Files::isDirectory)
        .flatMap(TensorRtCache::nvinferVersions)
        .findFirst();
  }

  private static java.util.stream.Stream<String> nvinferVersions(Path dir) {
    try (var files = Files.list(dir)) {
      return files
          .map(f -> f.getFileName().toString())
          .filter(n -> n.startsWith("libnvinfer.so.") && n.length() > "libnvinfer.so.".length())
          .map(n -> n.substring("libnvinfer.so.".length()))
          .sorted((a, b) -> Integer.compare(b.length(), a.length()))
          .toList()
          .stream();
    } catch (IOException e) {
      return java.util.stream.Stream.empty();
    }
  }
}
