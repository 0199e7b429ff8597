package io.distillery.inference.service;

import io.distillery.segpipeline.SegmentationResult;
import io.distillery.volumeio.Volume;
import io.distillery.volumeio.nifti.NiftiWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Bytes of a result as returned and stored: the label map as one gzip-compressed NIfTI (uint8, or
 * uint16 above 255 classes, intent LABEL), and probabilities as a zip of one float32 {@code
 * .nii.gz} per class named {@code <index>-<class>.nii.gz} (volume-io writes single volumes only, so
 * no 4-D file).
 */
public final class ResultEncoding {

  /** Media type of the label map. */
  public static final String NIFTI_GZ = "application/gzip";

  /** Media type of the probability archive. */
  public static final String ZIP = "application/zip";

  private ResultEncoding() {}

  /** The label map as {@code .nii.gz} bytes. */
  public static byte[] labelsNiftiGz(SegmentationResult result) {
    return withTempFile(file -> NiftiWriter.write(result.labels(), file));
  }

  /** The probabilities as a zip of per-class {@code .nii.gz} files. */
  public static byte[] probabilitiesZip(SegmentationResult result, List<String> classNames) {
    if (result.probabilities() == null) {
      throw new IllegalArgumentException("the result carries no probabilities");
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
      // Entries are already gzip-compressed; storing them again compressed gains nothing.
      zip.setLevel(0);
      for (int c = 0; c < result.probabilities().size(); c++) {
        Volume v = result.probabilities().get(c);
        String name = c + "-" + classNames.get(c).replaceAll("[^A-Za-z0-9._-]+", "_") + ".nii.gz";
        zip.putNextEntry(new ZipEntry(name));
        zip.write(withTempFile(file -> NiftiWriter.write(v, file)));
        zip.closeEntry();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot build the probability archive", e);
    }
    return bytes.toByteArray();
  }

  private interface FileWriter {
    void write(Path file) throws IOException;
  }

  private static byte[] withTempFile(FileWriter writer) {
    Path dir = null;
    try {
      dir = Files.createTempDirectory("segmentation-");
      Path file = dir.resolve("out.nii.gz");
      writer.write(file);
      byte[] out = Files.readAllBytes(file);
      Files.delete(file);
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode the segmentation", e);
    } finally {
      if (dir != null) {
        try {
          Files.deleteIfExists(dir);
        } catch (IOException e) {
          // a leftover empty temporary directory is harmless
        }
      }
    }
  }
}
