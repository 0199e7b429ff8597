package io.distillery.tools.demo;

import io.distillery.phantoms.PhantomDatasets;
import io.distillery.phantoms.PhantomSpec;
import io.distillery.volumeio.dataset.DatasetCase;
import io.distillery.volumeio.dataset.DatasetFolder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The datasets a demo run ingests: four binary-labelled organ sets (one per teacher), an unlabelled
 * pool and a multi-organ validation set, either the BTCV folders of {@code ../shared/data} or
 * deterministic synthetic phantoms written by libs/phantoms.
 *
 * @param synthetic whether these are phantoms
 * @param source the folder the datasets were read from
 * @param datasets organ sets (in {@link #ORGANS} order), then the pool, then validation
 */
public record DemoData(boolean synthetic, Path source, List<Dataset> datasets) {

  /** The four organs of the demo, in the student's class order (background is class 0). */
  public static final List<String> ORGANS = List.of("liver", "spleen", "kidney", "pancreas");

  /**
   * Label names that count as each organ when scoring: the BTCV validation set labels the kidneys
   * separately (right 2, left 3) where the single-organ sets label both as {@code kidney}.
   */
  public static final Map<String, Set<String>> ORGAN_ALIASES =
      Map.of(
          "liver", Set.of("liver"),
          "spleen", Set.of("spleen"),
          "kidney", Set.of("kidney", "right_kidney", "left_kidney"),
          "pancreas", Set.of("pancreas"));

  /** What a dataset is for. */
  public enum Role {
    /** Binary-labelled set of one organ: trains that organ's teacher. */
    ORGAN,
    /** No labels: soft labels only. */
    UNLABELLED,
    /** All organs labelled: scored through the inference-service. */
    VALIDATION
  }

  /**
   * One dataset folder and the cases of it the run uses.
   *
   * @param id dataset id in the platform (the folder's name)
   * @param role what it is for
   * @param organ the organ of an {@link Role#ORGAN} set, else null
   * @param split the split its volumes are ingested as
   * @param cases the cases used
   */
  public record Dataset(String id, Role role, String organ, String split, List<DatasetCase> cases) {
    public Dataset {
      cases = List.copyOf(cases);
    }
  }

  public DemoData {
    datasets = List.copyOf(datasets);
  }

  /** The organ set of {@code organ}. */
  public Dataset organSet(String organ) {
    return datasets.stream()
        .filter(d -> d.role() == Role.ORGAN && organ.equals(d.organ()))
        .findFirst()
        .orElseThrow();
  }

  /** The datasets of one role. */
  public List<Dataset> withRole(Role role) {
    return datasets.stream().filter(d -> d.role() == role).toList();
  }

  /** Total cases. */
  public int caseCount() {
    return datasets.stream().mapToInt(d -> d.cases().size()).sum();
  }

  /** Folder names of the real data under {@code ../shared/data}. */
  static final String REAL_UNLABELLED = "btcv-unlabeled";

  static final String REAL_VALIDATION = "btcv-multiorgan-val";

  /** True when {@code dir} holds every BTCV folder the demo needs. */
  public static boolean realDataPresent(Path dir) {
    if (dir == null) {
      return false;
    }
    List<String> needed = new ArrayList<>();
    ORGANS.forEach(o -> needed.add("btcv-" + o));
    needed.add(REAL_UNLABELLED);
    needed.add(REAL_VALIDATION);
    return needed.stream()
        .allMatch(n -> Files.isRegularFile(dir.resolve(n).resolve("dataset.json")));
  }

  /**
   * The BTCV folders of {@code dir}: {@code btcv-<organ>} (train), {@code btcv-unlabeled}
   * (unlabelled) and {@code btcv-multiorgan-val} (val), the first {@code preset.realCases()} cases
   * of each organ set and of the pool (all when 0), the whole validation set.
   */
  public static DemoData real(Path dir, DemoPreset preset) throws IOException {
    List<Dataset> out = new ArrayList<>();
    for (String organ : ORGANS) {
      out.add(open(dir.resolve("btcv-" + organ), Role.ORGAN, organ, "train", preset.realCases()));
    }
    out.add(
        open(
            dir.resolve(REAL_UNLABELLED), Role.UNLABELLED, null, "unlabelled", preset.realCases()));
    out.add(open(dir.resolve(REAL_VALIDATION), Role.VALIDATION, null, "val", 0));
    return new DemoData(false, dir, out);
  }

  /**
   * Deterministic phantoms ({@link PhantomDatasets#writeSuite}) under {@code workDir}, written once
   * per preset and reused (same seeds give the same bytes): {@code phantom-<organ>}, {@code
   * phantom-unlabeled}, {@code phantom-multiorgan-val}.
   */
  public static DemoData synthetic(Path workDir, DemoPreset preset) throws IOException {
    Path dir = workDir.resolve("phantoms-" + preset.name());
    List<String> folders = new ArrayList<>();
    ORGANS.forEach(o -> folders.add("phantom-" + o));
    folders.add("phantom-unlabeled");
    folders.add("phantom-multiorgan-val");
    boolean complete =
        folders.stream().allMatch(f -> Files.isRegularFile(dir.resolve(f).resolve("dataset.json")));
    if (!complete) {
      int[] g = preset.phantomGrid();
      double[] s = preset.phantomSpacingMm();
      PhantomDatasets.writeSuite(
          Files.createDirectories(dir),
          PhantomSpec.defaults().withGrid(g[0], g[1], g[2], s[0], s[1], s[2]),
          preset.syntheticCases());
    }
    List<Dataset> out = new ArrayList<>();
    for (String organ : ORGANS) {
      out.add(open(dir.resolve("phantom-" + organ), Role.ORGAN, organ, "train", 0));
    }
    out.add(open(dir.resolve("phantom-unlabeled"), Role.UNLABELLED, null, "unlabelled", 0));
    out.add(open(dir.resolve("phantom-multiorgan-val"), Role.VALIDATION, null, "val", 0));
    return new DemoData(true, dir, out);
  }

  private static Dataset open(Path folder, Role role, String organ, String split, int limit)
      throws IOException {
    DatasetFolder d = DatasetFolder.open(folder);
    List<DatasetCase> cases = d.cases();
    if (limit > 0 && cases.size() > limit) {
      cases = cases.subList(0, limit);
    }
    return new Dataset(folder.getFileName().toString(), role, organ, split, cases);
  }
}
