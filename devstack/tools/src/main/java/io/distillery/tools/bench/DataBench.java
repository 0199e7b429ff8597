package io.distillery.tools.bench;

import static io.distillery.tools.bench.BenchSection.f;

import io.distillery.tensorcodec.ProbabilityEncoding;
import io.distillery.tensorcodec.TensorCodec;
import io.distillery.tensorcodec.bench.CodecThroughput;
import io.distillery.tensorcodec.bench.SoftLabelSynthesis;
import io.distillery.volumeio.LabelVolume;
import io.distillery.volumeio.bench.NiftiReadBenchmark;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * The data-path figures, from the libraries' own benchmark code: tensor-codec encode/decode of soft
 * labels ({@link CodecThroughput} on {@link SoftLabelSynthesis} probabilities, as in the
 * tensor-codec README) and NIfTI read against {@code gzip -dc} ({@link NiftiReadBenchmark}).
 */
final class DataBench {

  /** Boundary width and logit noise of the synthetic soft labels (the codec README's values). */
  private static final double WIDTH_MM = 1.5;

  private static final double NOISE_SIGMA = 0.5;

  private DataBench() {}

  /**
   * Soft labels of every foreground organ of {@code labels} (one binary teacher output each),
   * encoded with the standard encoding.
   */
  static BenchSection codec(LabelVolume labels, String source, int repeats) {
    ProbabilityEncoding encoding = ProbabilityEncoding.standard();
    BenchSection s =
        new BenchSection(
            "tensor-codec: soft labels, standard encoding (8-bit, run-length + Deflate 6)",
            "organ",
            "voxels",
            "bytes/voxel",
            "encode (MB/s)",
            "decode (MB/s)",
            "max error",
            "fp32 / encoded");
    long totalBytes = 0;
    long totalVoxels = 0;
    double encodeS = 0;
    double decodeS = 0;
    long fp32 = 0;
    double maxError = 0;
    int nx = labels.grid().nx();
    int ny = labels.grid().ny();
    int nz = labels.grid().nz();
    short[] v = labels.data();
    for (Map.Entry<Integer, String> organ : labels.names().entrySet()) {
      if (organ.getKey() == 0) {
        continue;
      }
      byte[] mask = new byte[v.length];
      boolean any = false;
      for (int i = 0; i < v.length; i++) {
        if (Short.toUnsignedInt(v[i]) == organ.getKey()) {
          mask[i] = 1;
          any = true;
        }
      }
      if (!any) {
        continue;
      }
      float[] p =
          SoftLabelSynthesis.probabilities(
              SoftLabelSynthesis.signedDistance(
                  new SoftLabelSynthesis.LabelVolume(nx, ny, nz, labels.grid().spacing(), mask)),
              WIDTH_MM,
              NOISE_SIGMA,
              organ.getKey());
      long[] shape = {1, nz, ny, nx};
      CodecThroughput.Result r =
          CodecThroughput.measure(
              p, p.length, f -> TensorCodec.encodeProbabilities(f, shape, encoding), repeats);
      s.row(
          organ.getValue(),
          Integer.toString(p.length),
          f("%.4f", r.bytesPerVoxel()),
          f("%.0f", r.encodeMBps()),
          f("%.0f", r.decodeMBps()),
          f("%.4f", r.maxError()),
          f("%.0f×", (double) r.fp32Bytes() / r.encoded().length));
      totalBytes += r.encoded().length;
      totalVoxels += p.length;
      encodeS += r.encodeSeconds();
      decodeS += r.decodeSeconds();
      fp32 += r.fp32Bytes();
      maxError = Math.max(maxError, r.maxError());
    }
    if (totalVoxels == 0) {
      return s.skip("no foreground label in " + source);
    }
    s.row(
        "**all**",
        Long.toString(totalVoxels),
        f("%.4f", (double) totalBytes / totalVoxels),
        f("%.0f", fp32 / 1e6 / encodeS),
        f("%.0f", fp32 / 1e6 / decodeS),
        f("%.4f", maxError),
        f("%.0f×", (double) fp32 / totalBytes));
    return s.value("source", source)
        .value("bytesPerVoxel", (double) totalBytes / totalVoxels)
        .value("encodeMBps", fp32 / 1e6 / encodeS)
        .value("decodeMBps", fp32 / 1e6 / decodeS)
        .value("maxError", maxError)
        .note(
            f(
                "Soft labels synthesised from the label map of %s: p = sigmoid(−sd/%.1f mm + N(0, %.1f²))"
                    + " per organ (SoftLabelSynthesis); best of %d runs, one thread, MB of fp32.",
                source, WIDTH_MM, NOISE_SIGMA, repeats));
  }

  /** {@link NiftiReadBenchmark#measure} on its 512×512×200 int16 file. */
  static BenchSection nifti(Path work, int reps) throws IOException, InterruptedException {
    NiftiReadBenchmark.Result r = NiftiReadBenchmark.measure(work, reps);
    return new BenchSection(
            "NIfTI read vs gzip -dc (512×512×200 int16 .nii.gz)",
            "reader",
            "MB/s",
            "ratio to gzip -dc")
        .row("gzip -dc > /dev/null", f("%.1f", r.gzipMBps()), "1.00")
        .row(
            "NiftiReader.readVolume (float)",
            f("%.1f", r.readVolumeMBps()),
            f("%.2f", r.readVolumeMBps() / r.gzipMBps()))
        .row(
            "NiftiReader.readRaw (int16)",
            f("%.1f", r.readRawMBps()),
            f("%.2f", r.readRawMBps() / r.gzipMBps()))
        .value("gzipMBps", r.gzipMBps())
        .value("readVolumeMBps", r.readVolumeMBps())
        .value("readRawMBps", r.readRawMBps())
        .value("compressedBytes", r.compressedBytes())
        .value("decompressedBytes", r.decompressedBytes())
        .value("gzipSeconds", Arrays.stream(r.gzipSeconds()).boxed().toList())
        .value("readVolumeSeconds", Arrays.stream(r.readVolumeSeconds()).boxed().toList())
        .note(
            f(
                "Medians of %d alternating runs after one warm-up; MB/s of decompressed bytes (%d"
                    + " compressed, %d decompressed).",
                reps, r.compressedBytes(), r.decompressedBytes()));
  }
}
