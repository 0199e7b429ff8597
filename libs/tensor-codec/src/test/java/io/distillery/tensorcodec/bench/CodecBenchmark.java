package io.distillery.tensorcodec.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.distillery.tensorcodec.Compression;
import io.distillery.tensorcodec.DecodedTensor;
import io.distillery.tensorcodec.FeatureEncoding;
import io.distillery.tensorcodec.ProbabilityEncoding;
import io.distillery.tensorcodec.Quantisation;
import io.distillery.tensorcodec.TensorCodec;
import io.distillery.tensorcodec.bench.SoftLabelSynthesis.LabelVolume;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Measures bytes per voxel, maximum error and encode/decode throughput of the codec: soft labels
 * synthesised from every BTCV single-organ training label (see {@link SoftLabelSynthesis}) and a
 * synthetic feature map. Throughput is MB (10⁶ bytes) of fp32 input per second, best of {@value
 * #REPEATS} runs per volume, one thread. Prints Markdown tables and writes them to
 * target/codec-benchmark.md.
 */
@Tag("benchmark")
class CodecBenchmark {

  private static final String[] DATASETS = {
    "btcv-liver", "btcv-spleen", "btcv-kidney", "btcv-pancreas"
  };
  private static final int REPEATS = 3;
  private static final double WIDTH_MM = 1.5;
  private static final double NOISE_SIGMA = 0.5;

  private final StringBuilder report = new StringBuilder();

  @Test
  void measuresSoftLabelsAndFeatures() throws IOException {
    Path data = sharedData();
    List<Path> labels = new ArrayList<>();
    for (String dataset : DATASETS) {
      try (Stream<Path> files = Files.list(data.resolve(dataset).resolve("labelsTr"))) {
        files.filter(p -> p.toString().endsWith(".nii.gz")).sorted().forEach(labels::add);
      }
    }
    assertThat(labels).as("BTCV training labels").isNotEmpty();

    Map<String, ProbabilityEncoding> encodings = new LinkedHashMap<>();
    encodings.put(
        "8-bit, none",
        new ProbabilityEncoding(Quantisation.UNIT_INTERVAL_8BIT, Compression.NONE, 1));
    encodings.put(
        "8-bit, Deflate 6",
        new ProbabilityEncoding(Quantisation.UNIT_INTERVAL_8BIT, Compression.DEFLATE, 6));
    encodings.put(
        "8-bit, run-length + Deflate 1",
        new ProbabilityEncoding(
            Quantisation.UNIT_INTERVAL_8BIT, Compression.RUN_LENGTH_DEFLATE, 1));
    encodings.put("8-bit, run-length + Deflate 6 (standard)", ProbabilityEncoding.standard());
    encodings.put(
        "8-bit, run-length + Deflate 9",
        new ProbabilityEncoding(
            Quantisation.UNIT_INTERVAL_8BIT, Compression.RUN_LENGTH_DEFLATE, 9));
    encodings.put("4-bit, run-length + Deflate 6", ProbabilityEncoding.fourBit());

    Map<String, Totals> all = new LinkedHashMap<>();
    Map<String, Totals> perDataset = new LinkedHashMap<>();
    Map<String, Totals> sensitivity = new LinkedHashMap<>();
    Totals fp32Deflate = new Totals();
    boolean warmedUp = false;
    for (Path file : labels) {
      String dataset = file.getParent().getParent().getFileName().toString();
      LabelVolume label = NiftiLabelReader.read(file);
      float[] sd = SoftLabelSynthesis.signedDistance(label);
      long seed = file.getFileName().toString().hashCode();
      float[] p = SoftLabelSynthesis.probabilities(sd, WIDTH_MM, NOISE_SIGMA, seed);
      long[] shape = {1, label.nz(), label.ny(), label.nx()};
      if (!warmedUp) {
        for (ProbabilityEncoding e : encodings.values()) {
          measure(p, e, new Totals());
        }
        warmedUp = true;
      }
      for (Map.Entry<String, ProbabilityEncoding> e : encodings.entrySet()) {
        Totals t = all.computeIfAbsent(e.getKey(), k -> new Totals());
        Measurement m = measure(p, e.getValue(), t);
        if (e.getValue().equals(ProbabilityEncoding.standard())) {
          perDataset.computeIfAbsent(dataset, k -> new Totals()).add(m, p.length);
        }
      }
      fp32Deflate.add(new Measurement(deflatedFloatBytes(p), 0, 0, 0), p.length);
      // Sensitivity of the standard encoding to the synthetic teacher's sharpness and noise.
      for (double[] wn : new double[][] {{WIDTH_MM, 0}, {3.0, NOISE_SIGMA}, {0.75, NOISE_SIGMA}}) {
        float[] q = SoftLabelSynthesis.probabilities(sd, wn[0], wn[1], seed);
        String key = String.format(Locale.ROOT, "w = %.2f mm, σ = %.1f", wn[0], wn[1]);
        sensitivity.computeIfAbsent(key, k -> new Totals()).add(sizeOnly(q), q.length);
      }
      System.out.printf(
          Locale.ROOT,
          "%s/%s %dx%dx%d done%n",
          dataset,
          file.getFileName(),
          label.nx(),
          label.ny(),
          label.nz());
      assertThat(shape[3]).isEqualTo(label.nx());
    }

    line(
        "### Soft labels: %d BTCV training volumes (%s), %.1f M voxels, one binary teacher each",
        labels.size(), String.join(", ", DATASETS), all.values().iterator().next().voxels / 1e6);
    line(
        "Synthetic teacher: p = sigmoid(−sd/w + ε), w = %.2f mm, ε ~ N(0, %.1f²). Raw fp32: 4 bytes/voxel.",
        WIDTH_MM, NOISE_SIGMA);
    line("");
    line(
        "| encoding | bytes/voxel (all) | worst volume | vs fp32 | max abs error | encode MB/s | decode MB/s |");
    line("|---|---|---|---|---|---|---|");
    for (Map.Entry<String, Totals> e : all.entrySet()) {
      row(e.getKey(), e.getValue());
    }
    line(
        "| fp32, Deflate 6 (reference) | %.4f | %.4f | %.0f× | 0 | – | – |",
        fp32Deflate.bytesPerVoxel(), fp32Deflate.worst, 4 / fp32Deflate.bytesPerVoxel());
    line("");
    line("Standard encoding per dataset:");
    line("");
    line(
        "| dataset | bytes/voxel (all) | worst volume | vs fp32 | max abs error | encode MB/s | decode MB/s |");
    line("|---|---|---|---|---|---|---|");
    for (Map.Entry<String, Totals> e : perDataset.entrySet()) {
      row(e.getKey(), e.getValue());
    }
    line("");
    line("Standard encoding, other synthetic teachers (size only):");
    line("");
    line("| teacher | bytes/voxel (all) | worst volume |");
    line("|---|---|---|");
    for (Map.Entry<String, Totals> e : sensitivity.entrySet()) {
      line("| %s | %.4f | %.4f |", e.getKey(), e.getValue().bytesPerVoxel(), e.getValue().worst);
    }
    line("");

    measureFeatures();

    Path out = Path.of("target", "codec-benchmark.md");
    Files.createDirectories(out.getParent());
    Files.writeString(out, report.toString());
    System.out.println(report);

    Totals standard = all.get("8-bit, run-length + Deflate 6 (standard)");
    assertThat(standard.maxError).isLessThanOrEqualTo(1 / 255.0);
  }

  private void measureFeatures() {
    int channels = 16;
    int d = 64;
    int h = 128;
    int w = 128;
    float[] features = syntheticFeatures(channels, d, h, w, 42);
    long[] shape = {channels, d, h, w};
    Map<String, FeatureEncoding> encodings = new LinkedHashMap<>();
    encodings.put("fp16, none", FeatureEncoding.float16());
    encodings.put(
        "fp16, Deflate 6", new FeatureEncoding(Quantisation.FLOAT16, Compression.DEFLATE, 6));
    encodings.put(
        "fp16, byte shuffle + Deflate 6",
        new FeatureEncoding(Quantisation.FLOAT16, Compression.BYTE_SHUFFLE_DEFLATE, 6));
    encodings.put("8-bit affine per channel, none", FeatureEncoding.affine8Bit());
    encodings.put(
        "8-bit affine per channel, Deflate 6",
        new FeatureEncoding(Quantisation.AFFINE_8BIT_PER_CHANNEL, Compression.DEFLATE, 6));

    line(
        "### Features: synthetic map %d×%d×%d×%d (CDHW), %.1f M values",
        channels, d, h, w, features.length / 1e6);
    line(
        "Per channel: white noise, box-blurred (radius 2) twice along each axis, standardised, × gain 0.5…4 + bias −0.5…0.5, then ReLU (%.0f %% zeros). Raw fp32: 4 bytes/value.",
        100.0 * zeros(features) / features.length);
    line("");
    line(
        "| encoding | bytes/value | vs fp32 | max abs error | max error / bound | encode MB/s | decode MB/s |");
    line("|---|---|---|---|---|---|---|");
    for (Map.Entry<String, FeatureEncoding> e : encodings.entrySet()) {
      FeatureEncoding enc = e.getValue();
      Function<float[], byte[]> encoder = f -> TensorCodec.encodeFeatures(f, shape, enc);
      encoder.apply(features); // warm-up
      TensorCodec.decode(encoder.apply(features));
      Measurement m = time(features, encoder);
      DecodedTensor decoded = TensorCodec.decode(m.encoded);
      double maxError = 0;
      double maxRatio = 0;
      int n = features.length / channels;
      float[] scales = decoded.header().channelScales();
      for (int i = 0; i < features.length; i++) {
        double error = Math.abs(decoded.data()[i] - features[i]);
        maxError = Math.max(maxError, error);
        double bound =
            enc.quantisation() == Quantisation.FLOAT16
                ? Math.max(Math.abs(features[i]) * 0x1p-11, 0x1p-25)
                : scales[i / n] / 2.0;
        maxRatio = Math.max(maxRatio, error / bound);
      }
      double bytes = (double) m.encoded.length / features.length;
      line(
          "| %s | %.4f | %.1f× | %.2e | %.3f | %.0f | %.0f |",
          e.getKey(),
          bytes,
          4 / bytes,
          maxError,
          maxRatio,
          4e-6 * features.length / m.encodeSeconds,
          4e-6 * features.length / m.decodeSeconds);
    }
    line("");
  }

  private static float[] syntheticFeatures(int channels, int d, int h, int w, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    int n = d * h * w;
    float[] out = new float[channels * n];
    float[] field = new float[n];
    for (int c = 0; c < channels; c++) {
      for (int i = 0; i < n; i++) {
        field[i] = (float) random.nextGaussian();
      }
      for (int pass = 0; pass < 2; pass++) {
        boxBlur(field, d, h, w, 1, w, 2);
        boxBlur(field, d, h, w, w, h, 2);
        boxBlur(field, d, h, w, w * h, d, 2);
      }
      double mean = 0;
      double sq = 0;
      for (float v : field) {
        mean += v;
        sq += v * v;
      }
      mean /= n;
      double std = Math.sqrt(sq / n - mean * mean);
      double gain = 0.5 * Math.pow(8, c / (double) (channels - 1));
      double bias = -0.5 + c / (double) (channels - 1);
      for (int i = 0; i < n; i++) {
        out[c * n + i] = (float) Math.max(0, gain * (field[i] - mean) / std + bias);
      }
    }
    return out;
  }

  /** In-place moving average of width 2r+1 along the axis with the given stride and length. */
  private static void boxBlur(float[] f, int d, int h, int w, int stride, int length, int r) {
    float[] line = new float[length];
    int lines = f.length / length;
    for (int l = 0; l < lines; l++) {
      int start;
      if (stride == 1) {
        start = l * w;
      } else if (stride == w) {
        start = (l / w) * w * h + (l % w);
      } else {
        start = l;
      }
      for (int i = 0; i < length; i++) {
        line[i] = f[start + i * stride];
      }
      for (int i = 0; i < length; i++) {
        float sum = 0;
        int count = 0;
        for (int j = Math.max(0, i - r); j <= Math.min(length - 1, i + r); j++) {
          sum += line[j];
          count++;
        }
        f[start + i * stride] = sum / count;
      }
    }
  }

  private static long zeros(float[] f) {
    long n = 0;
    for (float v : f) {
      if (v == 0f) {
        n++;
      }
    }
    return n;
  }

  private static Measurement measure(float[] p, ProbabilityEncoding encoding, Totals totals) {
    long[] shape = {1, p.length};
    Measurement m = time(p, f -> TensorCodec.encodeProbabilities(f, shape, encoding));
    float[] decoded = TensorCodec.decode(m.encoded).data();
    double maxError = 0;
    for (int i = 0; i < p.length; i++) {
      maxError = Math.max(maxError, Math.abs(decoded[i] - p[i]));
    }
    Measurement withError =
        new Measurement(m.encoded.length, m.encoded, m.encodeSeconds, m.decodeSeconds, maxError);
    totals.add(withError, p.length);
    return withError;
  }

  private static Measurement sizeOnly(float[] p) {
    byte[] encoded =
        TensorCodec.encodeProbabilities(
            p, new long[] {1, p.length}, ProbabilityEncoding.standard());
    return new Measurement(encoded.length, 0, 0, 0);
  }

  private static Measurement time(float[] data, Function<float[], byte[]> encoder) {
    CodecThroughput.Result r = CodecThroughput.measure(data, data.length, encoder, REPEATS);
    return new Measurement(
        r.encoded().length, r.encoded(), r.encodeSeconds(), r.decodeSeconds(), r.maxError());
  }

  private static long deflatedFloatBytes(float[] p) {
    ByteBuffer b = ByteBuffer.allocate(4 * p.length).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(p);
    Deflater deflater = new Deflater(6);
    deflater.setInput(b.array());
    deflater.finish();
    byte[] sink = new byte[1 << 16];
    while (!deflater.finished()) {
      deflater.deflate(sink);
    }
    long size = deflater.getBytesWritten();
    deflater.end();
    return size;
  }

  private void row(String name, Totals t) {
    line(
        "| %s | %.4f | %.4f | %.0f× | %.5f (%.2f/255) | %.0f | %.0f |",
        name,
        t.bytesPerVoxel(),
        t.worst,
        4 / t.bytesPerVoxel(),
        t.maxError,
        t.maxError * 255,
        t.encodeMbPerSecond(),
        t.decodeMbPerSecond());
  }

  private void line(String format, Object... args) {
    report.append(String.format(Locale.ROOT, format, args)).append('\n');
  }

  private static Path sharedData() {
    String location = System.getProperty("distillery.shared.data");
    if (location == null || location.isBlank()) {
      location = System.getenv("DISTILLERY_SHARED_DATA");
    }
    Path path = location == null || location.isBlank() ? null : Path.of(location);
    Assumptions.assumeTrue(
        path != null && Files.isDirectory(path.resolve("btcv-liver")),
        "shared data not found (system property distillery.shared.data or env DISTILLERY_SHARED_DATA,"
            + " was "
            + location
            + "): codec benchmark skipped");
    return path;
  }

  /** One encoding of one tensor. */
  private record Measurement(
      long bytes, byte[] encoded, double encodeSeconds, double decodeSeconds, double maxError) {
    Measurement(long bytes, double encodeSeconds, double decodeSeconds, double maxError) {
      this(bytes, null, encodeSeconds, decodeSeconds, maxError);
    }
  }

  /** Sums over volumes. */
  private static final class Totals {
    long voxels;
    long bytes;
    double encodeSeconds;
    double decodeSeconds;
    double maxError;
    double worst;

    void add(Measurement m, long n) {
      voxels += n;
      bytes += m.bytes();
      encodeSeconds += m.encodeSeconds();
      decodeSeconds += m.decodeSeconds();
      maxError = Math.max(maxError, m.maxError());
      worst = Math.max(worst, (double) m.bytes() / n);
    }

    double bytesPerVoxel() {
      return (double) bytes / voxels;
    }

    double encodeMbPerSecond() {
      return 4e-6 * voxels / encodeSeconds;
    }

    double decodeMbPerSecond() {
      return 4e-6 * voxels / decodeSeconds;
    }
  }
}
