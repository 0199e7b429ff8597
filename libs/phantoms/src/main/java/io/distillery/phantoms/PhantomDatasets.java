package io.distillery.phantoms;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.distillery.volumeio.nifti.NiftiDataType;
import io.distillery.volumeio.nifti.NiftiWriteOptions;
import io.distillery.volumeio.nifti.NiftiWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes phantoms as nnU-Net v2 dataset folders, the layout of {@code ../shared/data}, so the demo
 * and the tests read them through {@code io.distillery.volumeio.dataset.DatasetFolder} exactly as
 * the real data: {@code dataset.json} ({@code channel_names} {"0": "CT"}, {@code labels} name →
 * value, {@code numTraining}, {@code file_ending} ".nii.gz", {@code cases}), {@code
 * imagesTr/<case>_0000.nii.gz} (int16 HU) and, for labelled sets, {@code labelsTr/<case>.nii.gz}
 * (uint8). Case {@code <prefix>_<seed>} is the phantom of that seed; folders written from disjoint
 * seed ranges never share a "patient", as in the real data.
 */
public final class PhantomDatasets {

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final String ENDING = ".nii.gz";

  private PhantomDatasets() {}

  /**
   * Writes one dataset folder.
   *
   * @param folder created if absent; existing case files are overwritten
   * @param spec grid, noise and {@link LabelMap} of every case
   * @param firstSeed seed of the first case; case i has seed {@code firstSeed + i}
   * @param cases number of cases
   * @param withLabels false for an unlabelled pool (no {@code labelsTr}, empty {@code labels})
   * @return {@code folder}
   */
  public static Path write(
      Path folder, PhantomSpec spec, long firstSeed, int cases, boolean withLabels)
      throws IOException {
    if (cases < 1) {
      throw new IllegalArgumentException("cases must be >= 1, got " + cases);
    }
    Path images = Files.createDirectories(folder.resolve("imagesTr"));
    Path labels = withLabels ? Files.createDirectories(folder.resolve("labelsTr")) : null;
    NiftiWriteOptions int16 = NiftiWriteOptions.defaults().withDataType(NiftiDataType.INT16);
    List<String> ids = new ArrayList<>();
    for (int c = 0; c < cases; c++) {
      long seed = firstSeed + c;
      String id = String.format("phantom_%04d", seed);
      Phantom p = AbdominalPhantom.generate(seed, spec);
      NiftiWriter.write(p.image(), images.resolve(id + "_0000" + ENDING), int16);
      if (withLabels) {
        NiftiWriter.write(p.labels(), labels.resolve(id + ENDING));
      }
      ids.add(id);
    }
    ObjectNode d = JSON.createObjectNode();
    d.put("name", folder.getFileName().toString());
    d.put(
        "description",
        "Synthetic abdominal CT phantoms (io.distillery.phantoms), seeds "
            + firstSeed
            + ".."
            + (firstSeed + cases - 1)
            + ", "
            + spec.nx()
            + "x"
            + spec.ny()
            + "x"
            + spec.nz()
            + " voxels.");
    d.putObject("channel_names").put("0", "CT");
    ObjectNode labelNode = d.putObject("labels");
    if (withLabels) {
      for (Map.Entry<Integer, String> e : spec.labelMap().names().entrySet()) {
        labelNode.put(e.getValue(), e.getKey());
      }
    }
    d.put("numTraining", cases);
    d.put("file_ending", ENDING);
    ArrayNode list = d.putArray("cases");
    ids.forEach(list::add);
    if (!withLabels) {
      d.put("labels_present", false);
    }
    JSON.writeValue(folder.resolve("dataset.json").toFile(), d);
    return folder;
  }

  /**
   * Writes the phantom counterpart of the shared data's CT folders under {@code parent}, each from
   * its own seed range: {@code phantom-liver}, {@code phantom-spleen}, {@code phantom-kidney} (both
   * sides = 1), {@code phantom-pancreas} (binary, {@code casesPerSet} each), {@code
   * phantom-unlabeled} (no labels) and {@code phantom-multiorgan-val} ({@link
   * LabelMap#standard()}).
   *
   * @param spec grid and noise (its label map is replaced per folder)
   * @return the written folders, in that order
   */
  public static List<Path> writeSuite(Path parent, PhantomSpec spec, int casesPerSet)
      throws IOException {
    List<Path> out = new ArrayList<>();
    long seed = 1000;
    Object[][] binary = {
      {"phantom-liver", LabelMap.binary(Organ.LIVER)},
      {"phantom-spleen", LabelMap.binary(Organ.SPLEEN)},
      {"phantom-kidney", LabelMap.binary("kidney", Organ.RIGHT_KIDNEY, Organ.LEFT_KIDNEY)},
      {"phantom-pancreas", LabelMap.binary(Organ.PANCREAS)}
    };
    for (Object[] b : binary) {
      out.add(
          write(
              parent.resolve((String) b[0]),
              spec.withLabelMap((LabelMap) b[1]),
              seed,
              casesPerSet,
              true));
      seed += 1000;
    }
    out.add(
        write(
            parent.resolve("phantom-unlabeled"),
            spec.withLabelMap(LabelMap.unlabelled()),
            seed,
            casesPerSet,
            false));
    seed += 1000;
    out.add(
        write(
            parent.resolve("phantom-multiorgan-val"),
            spec.withLabelMap(LabelMap.standard()),
            seed,
            casesPerSet,
            true));
    return out;
  }
}
