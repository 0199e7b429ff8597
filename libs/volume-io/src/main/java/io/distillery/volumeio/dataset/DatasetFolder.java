package io.distillery.volumeio.dataset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.distillery.volumeio.Modality;
import io.distillery.volumeio.VolumeFormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * A dataset folder with a {@code dataset.json}, in one of three layouts:
 *
 * <ul>
 *   <li><b>nnU-Net v2</b>: {@code channel_names} ({@code "0" → "CT"}), {@code labels} (name →
 *       value), {@code file_ending}, images {@code imagesTr/<case>_0000<ending>} (one file per
 *       channel, suffix {@code _0000}, {@code _0001}, …), labels {@code labelsTr/<case><ending>};
 *       the case list is {@code cases} when present, else found by listing {@code imagesTr}.
 *   <li><b>Medical Segmentation Decathlon</b>: {@code modality}, {@code labels} (value → name) and
 *       a {@code training} list of {@code {"image", "label"}} paths.
 *   <li><b>file list</b> (the {@code ts-smoke} folder): {@code files} maps a NIfTI file name to its
 *       {@code modality}, {@code label} file and {@code label_map} (value → name).
 * </ul>
 *
 * <p>Every path that {@code dataset.json} names (case ids included, since they become file names)
 * must stay inside the dataset folder: an absolute path, a {@code ..} that climbs out of it, or a
 * symbolic link whose target lies outside it is refused with a {@link VolumeFormatException} naming
 * the entry. A dataset description is input from whoever supplied the folder, and must not make a
 * service read other files of its host.
 */
public final class DatasetFolder {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path root;
  private final String name;
  private final SortedMap<Integer, String> labelNames;
  private final List<DatasetCase> cases;

  private DatasetFolder(
      Path root, String name, SortedMap<Integer, String> labelNames, List<DatasetCase> cases) {
    this.root = root;
    this.name = name;
    this.labelNames = labelNames;
    this.cases = List.copyOf(cases);
  }

  /**
   * Reads {@code root/dataset.json} and lists the cases (files are not opened).
   *
   * @throws VolumeFormatException if the description is missing, malformed or names missing files
   */
  public static DatasetFolder open(Path root) throws IOException {
    Path json = root.resolve("dataset.json");
    if (!Files.isRegularFile(json)) {
      throw new VolumeFormatException(root + ": no dataset.json");
    }
    JsonNode d;
    try {
      d = JSON.readTree(json.toFile());
    } catch (com.fasterxml.jackson.core.JacksonException e) {
      throw new VolumeFormatException(json + ": invalid JSON: " + e.getOriginalMessage(), e);
    }
    if (d == null || !d.isObject()) {
      throw new VolumeFormatException(json + ": top level must be a JSON object");
    }
    String name = d.path("name").asText(root.getFileName().toString());
    if (d.has("files")) {
      return fileList(root, name, d.get("files"));
    }
    SortedMap<Integer, String> labels = labels(json, d.path("labels"));
    List<Modality> modalities =
        modalities(d.has("channel_names") ? d.get("channel_names") : d.path("modality"));
    List<DatasetCase> cases =
        d.has("training") && d.get("training").isArray()
            ? decathlon(root, json, d.get("training"), modalities, labels)
            : nnunet(root, json, d, modalities, labels);
    return new DatasetFolder(root, name, labels, cases);
  }

  public Path root() {
    return root;
  }

  /** {@code name} from dataset.json, else the folder name. */
  public String name() {
    return name;
  }

  /**
   * Label value → name of the whole dataset (per-case names may differ in the file-list layout).
   */
  public SortedMap<Integer, String> labelNames() {
    return labelNames;
  }

  public List<DatasetCase> cases() {
    return cases;
  }

  /** The case with this id. */
  public Optional<DatasetCase> find(String id) {
    return cases.stream().filter(c -> c.id().equals(id)).findFirst();
  }

  private static List<DatasetCase> nnunet(
      Path root,
      Path json,
      JsonNode d,
      List<Modality> modalities,
      SortedMap<Integer, String> labels)
      throws IOException {
    String ending = d.path("file_ending").asText(".nii.gz");
    Path images = inside(root, json, "imagesTr");
    if (modalities.isEmpty()) {
      throw new VolumeFormatException(json + ": channel_names is missing or empty");
    }
    List<String> ids = new ArrayList<>();
    if (d.has("cases") && d.get("cases").isArray()) {
      for (JsonNode c : d.get("cases")) {
        ids.add(c.asText());
      }
    } else if (Files.isDirectory(images)) {
      String suffix = "_0000" + ending;
      try (Stream<Path> s = Files.list(images)) {
        s.map(p -> p.getFileName().toString())
            .filter(f -> f.endsWith(suffix))
            .map(f -> f.substring(0, f.length() - suffix.length()))
            .sorted()
            .forEach(ids::add);
      }
    }
    List<DatasetCase> out = new ArrayList<>();
    for (String id : ids) {
      List<Path> channels = new ArrayList<>();
      for (int c = 0; c < modalities.size(); c++) {
        Path p = inside(root, json, String.format("imagesTr/%s_%04d%s", id, c, ending));
        requireFile(json, id, p);
        channels.add(p);
      }
      Path label = inside(root, json, "labelsTr/" + id + ending);
      out.add(
          new DatasetCase(
              id,
              channels,
              modalities,
              Files.isRegularFile(label) ? Optional.of(label) : Optional.empty(),
              labels));
    }
    return out;
  }

  private static List<DatasetCase> decathlon(
      Path root,
      Path json,
      JsonNode training,
      List<Modality> modalities,
      SortedMap<Integer, String> labels) {
    List<DatasetCase> out = new ArrayList<>();
    for (JsonNode t : training) {
      Path image = inside(root, json, t.path("image").asText());
      String file = image.getFileName().toString();
      String id = file.replaceFirst("\\.nii(\\.gz)?$", "");
      requireFile(json, id, image);
      Optional<Path> label = Optional.empty();
      if (t.hasNonNull("label")) {
        Path l = inside(root, json, t.get("label").asText());
        requireFile(json, id, l);
        label = Optional.of(l);
      }
      // Decathlon stores multi-channel images as one 4-D file; only the single-channel case is
      // read.
      List<Modality> m =
          modalities.isEmpty() ? List.of(Modality.UNKNOWN) : modalities.subList(0, 1);
      out.add(new DatasetCase(id, List.of(image), m, label, labels));
    }
    return out;
  }

  private static DatasetFolder fileList(Path root, String name, JsonNode files) {
    Path json = root.resolve("dataset.json");
    List<DatasetCase> out = new ArrayList<>();
    SortedMap<Integer, String> all = new TreeMap<>();
    for (Map.Entry<String, JsonNode> e : files.properties()) {
      Path image = inside(root, json, e.getKey());
      if (!e.getKey().matches(".*\\.nii(\\.gz)?$") || !Files.isRegularFile(image)) {
        continue; // e.g. a DICOM series folder: not part of this reader
      }
      JsonNode f = e.getValue();
      SortedMap<Integer, String> names = new TreeMap<>();
      for (Map.Entry<String, JsonNode> l : f.path("label_map").properties()) {
        names.put(parseLabelValue(root.resolve("dataset.json"), l.getKey()), l.getValue().asText());
      }
      if (!names.isEmpty()) {
        names.putIfAbsent(0, "background");
      }
      all.putAll(names);
      Optional<Path> label = Optional.empty();
      if (f.hasNonNull("label")) {
        Path l = inside(root, json, f.get("label").asText());
        requireFile(json, e.getKey(), l);
        label = Optional.of(l);
      }
      String id = e.getKey().replaceFirst("\\.nii(\\.gz)?$", "");
      out.add(
          new DatasetCase(
              id,
              List.of(image),
              List.of(Modality.fromChannelName(f.path("modality").asText(""))),
              label,
              names));
    }
    return new DatasetFolder(root, name, all, out);
  }

  private static SortedMap<Integer, String> labels(Path json, JsonNode labels) {
    SortedMap<Integer, String> out = new TreeMap<>();
    for (Map.Entry<String, JsonNode> e : labels.properties()) {
      if (e.getKey().matches("\\d+")) {
        out.put(
            parseLabelValue(json, e.getKey()), e.getValue().asText()); // Decathlon: value → name
      } else if (e.getValue().canConvertToInt() && e.getValue().isIntegralNumber()) {
        out.put(e.getValue().intValue(), e.getKey()); // nnU-Net v2: name → value
      } else {
        throw new VolumeFormatException(
            json
                + ": label '"
                + e.getKey()
                + "' has value "
                + e.getValue()
                + "; only integer label values are supported (no region-based labels)");
      }
    }
    return out;
  }

  private static int parseLabelValue(Path json, String s) {
    try {
      int v = Integer.parseInt(s.trim());
      if (v < 0 || v > io.distillery.volumeio.LabelVolume.MAX_LABEL) {
        throw new NumberFormatException();
      }
      return v;
    } catch (NumberFormatException e) {
      throw new VolumeFormatException(json + ": invalid label value '" + s + "'");
    }
  }

  private static List<Modality> modalities(JsonNode channels) {
    SortedMap<Integer, Modality> byIndex = new TreeMap<>();
    for (Map.Entry<String, JsonNode> e : channels.properties()) {
      try {
        byIndex.put(Integer.parseInt(e.getKey()), Modality.fromChannelName(e.getValue().asText()));
      } catch (NumberFormatException ex) {
        throw new VolumeFormatException("channel index '" + e.getKey() + "' is not a number");
      }
    }
    return new ArrayList<>(byIndex.values());
  }

  /**
   * {@code root/entry}, refused unless it stays inside {@code root}: lexically (no absolute path,
   * no {@code ..} above the root) and, when the file exists, after resolving symbolic links.
   */
  static Path inside(Path root, Path json, String entry) {
    Path relative;
    try {
      relative = Path.of(entry);
    } catch (InvalidPathException e) {
      throw new VolumeFormatException(json + ": entry '" + entry + "' is not a valid path");
    }
    if (relative.isAbsolute() || relative.getRoot() != null) {
      throw new VolumeFormatException(
          json + ": entry '" + entry + "' is an absolute path; paths must be inside the dataset");
    }
    Path base = root.toAbsolutePath().normalize();
    Path resolved = base.resolve(relative).normalize();
    if (!resolved.startsWith(base)) {
      throw new VolumeFormatException(json + ": entry '" + entry + "' leaves the dataset folder");
    }
    if (Files.exists(resolved)) {
      try {
        if (!resolved.toRealPath().startsWith(base.toRealPath())) {
          throw new VolumeFormatException(
              json + ": entry '" + entry + "' links to a file outside the dataset folder");
        }
      } catch (IOException e) {
        throw new VolumeFormatException(
            json + ": entry '" + entry + "' cannot be resolved: " + e.getMessage(), e);
      }
    }
    return root.resolve(relative).normalize();
  }

  private static void requireFile(Path json, String id, Path p) {
    if (!Files.isRegularFile(p)) {
      throw new VolumeFormatException(json + ": case " + id + ": file missing: " + p);
    }
  }
}
