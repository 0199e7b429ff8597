package io.distillery.volumeio.bench;

import io.distillery.volumeio.Volume;
import io.distillery.volumeio.nifti.NiftiDataType;
import io.distillery.volumeio.nifti.NiftiImage;
import io.distillery.volumeio.nifti.NiftiReader;
import io.distillery.volumeio.nifti.NiftiWriteOptions;
import io.distillery.volumeio.nifti.NiftiWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * Read throughput of a 512×512×200 int16 {@code .nii.gz} (synthetic CT, {@link SyntheticCt})
 * compared with {@code gzip -dc file > /dev/null} on the same file, in one run: the two are timed
 * alternately for {@code reps} repetitions after one warm-up each, and medians are reported as MB/s
 * of decompressed bytes and as a ratio. Run through {@code libs/volume-io/bench.sh}.
 *
 * <p>Arguments: {@code [workDir] [reps]} (defaults {@code target/bench}, 7).
 */
public final class NiftiReadBenchmark {
  private NiftiReadBenchmark() {}

  /**
   * One run of the benchmark.
   *
   * @param file the benchmark file
   * @param compressedBytes its size
   * @param decompressedBytes header plus voxel bytes
   * @param gzipSeconds per repetition, {@code gzip -dc > /dev/null}
   * @param readVolumeSeconds per repetition, {@link NiftiReader#readVolume} (float voxels)
   * @param readRawSeconds per repetition, {@link NiftiReader#readRaw} (int16 voxels)
   */
  public record Result(
      Path file,
      long compressedBytes,
      long decompressedBytes,
      double[] gzipSeconds,
      double[] readVolumeSeconds,
      double[] readRawSeconds) {

    /** Median MB/s (decompressed bytes) of {@code gzip -dc}. */
    public double gzipMBps() {
      return decompressedBytes / 1e6 / median(gzipSeconds);
    }

    /** Median MB/s of {@link NiftiReader#readVolume}. */
    public double readVolumeMBps() {
      return decompressedBytes / 1e6 / median(readVolumeSeconds);
    }

    /** Median MB/s of {@link NiftiReader#readRaw}. */
    public double readRawMBps() {
      return decompressedBytes / 1e6 / median(readRawSeconds);
    }
  }

  public static void main(String[] args) throws Exception {
    Path work = Path.of(args.length > 0 ? args[0] : "target/bench");
    int reps = args.length > 1 ? Integer.parseInt(args[1]) : 7;
    Result r = measure(work, reps);
    double mb = r.decompressedBytes() / 1e6;
    double gzS = median(r.gzipSeconds());
    double volS = median(r.readVolumeSeconds());
    double rawS = median(r.readRawSeconds());
    System.out.printf(
        Locale.ROOT,
        "file: %s, %d bytes compressed, %d decompressed (ratio %.2f)%n",
        r.file(),
        r.compressedBytes(),
        r.decompressedBytes(),
        (double) r.decompressedBytes() / r.compressedBytes());
    System.out.printf(
        Locale.ROOT,
        "reps: %d (medians; JVM %s, %d cpus)%n",
        reps,
        System.getProperty("java.version"),
        Runtime.getRuntime().availableProcessors());
    System.out.printf(
        Locale.ROOT, "gzip -dc > /dev/null          : %.3f s  %7.1f MB/s%n", gzS, mb / gzS);
    System.out.printf(
        Locale.ROOT,
        "NiftiReader.readVolume (float) : %.3f s  %7.1f MB/s  ratio to gzip %.2f%n",
        volS,
        mb / volS,
        gzS / volS);
    System.out.printf(
        Locale.ROOT,
        "NiftiReader.readRaw (int16)    : %.3f s  %7.1f MB/s  ratio to gzip %.2f%n",
        rawS,
        mb / rawS,
        gzS / rawS);
    System.out.printf(
        Locale.ROOT,
        "all runs (s): gzip %s, readVolume %s, readRaw %s%n",
        Arrays.toString(round(r.gzipSeconds())),
        Arrays.toString(round(r.readVolumeSeconds())),
        Arrays.toString(round(r.readRawSeconds())));
  }

  /**
   * Writes the benchmark file under {@code work} and times {@code reps} alternating repetitions
   * after one warm-up each.
   */
  public static Result measure(Path work, int reps) throws IOException, InterruptedException {
    if (reps < 1) {
      throw new IllegalArgumentException("reps must be >= 1, got " + reps);
    }
    Files.createDirectories(work);
    Path file = work.resolve("ct_512x512x200_int16.nii.gz");
    Volume ct = SyntheticCt.generate(512, 512, 200, 42);
    NiftiWriter.write(ct, file, NiftiWriteOptions.defaults().withDataType(NiftiDataType.INT16));
    ct = null;
    long decompressed = 352L + 512L * 512 * 200 * 2;
    long compressed = Files.size(file);
    NiftiReader reader = NiftiReader.withDefaults();

    // Warm-up: JIT compilation of the reader, page cache for the file.
    gzip(file);
    checksum(reader.readVolume(file));
    reader.readRaw(file);

    double[] gz = new double[reps];
    double[] vol = new double[reps];
    double[] raw = new double[reps];
    double sink = 0;
    for (int r = 0; r < reps; r++) {
      gz[r] = gzip(file);
      long t0 = System.nanoTime();
      Volume v = reader.readVolume(file);
      vol[r] = (System.nanoTime() - t0) / 1e9;
      sink += checksum(v);
      v = null;
      t0 = System.nanoTime();
      NiftiImage img = reader.readRaw(file);
      raw[r] = (System.nanoTime() - t0) / 1e9;
      sink += img.data().get(1000);
    }
    if (Double.isNaN(sink)) {
      // Keeps the reads observable to the JIT; a NaN checksum would mean a broken reader.
      throw new IOException("NaN voxels read from " + file);
    }
    return new Result(file, compressed, decompressed, gz, vol, raw);
  }

  private static double gzip(Path file) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder("gzip", "-dc", file.toString());
    pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
    pb.redirectError(ProcessBuilder.Redirect.INHERIT);
    long t0 = System.nanoTime();
    int rc = pb.start().waitFor();
    double s = (System.nanoTime() - t0) / 1e9;
    if (rc != 0) {
      throw new IOException("gzip -dc exited with " + rc);
    }
    return s;
  }

  private static double checksum(Volume v) {
    float[] d = v.data();
    double s = 0;
    for (int i = 0; i < d.length; i += 4099) {
      s += d[i];
    }
    return s;
  }

  static double median(double[] a) {
    double[] s = a.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  private static double[] round(double[] a) {
    double[] r = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      r[i] = Math.round(a[i] * 1000) / 1000.0;
    }
    return r;
  }
}
