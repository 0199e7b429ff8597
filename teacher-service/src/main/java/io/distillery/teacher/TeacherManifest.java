package io.distillery.teacher;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.distillery.contracts.ObjectKeys;
import io.distillery.segml.checkpoint.IntensityNormalization;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the teacher-service needs to run a teacher, stored as JSON at {@code
 * teachers/{teacherId}/{version}/manifest.json} next to the model files. The same format serves
 * teachers trained by the student-trainer ({@code format = "djl"}: params, model card and, when
 * exported, an ONNX file) and external teachers uploaded as one ONNX file ({@code format =
 * "onnx"}), e.g. exported nnU-Net models.
 *
 * <p>Axis order: every per-axis list ({@code spacingMm}, {@code roiSize}) is {@code [x, y, z]} of
 * the canonical RAS volume, the order of {@code VolumeIngested.shape}. The network itself sees
 * NCDHW windows with D = z, H = y, W = x (x fastest, as stored).
 *
 * @param schemaVersion manifest format version, {@link #SCHEMA_VERSION}
 * @param teacherId stable name, an object-key identifier
 * @param version version of this teacher, an object-key identifier; versions compare numerically
 *     when both are integers, lexically otherwise
 * @param format {@code onnx} or {@code djl}
 * @param files model files by role ({@code onnx}, {@code params}, {@code modelCard}) to file names
 *     under the teacher's prefix
 * @param modality {@code CT} or {@code MR}: the teacher only runs on volumes of this modality
 * @param datasets datasets whose volumes the teacher runs on; empty: every dataset of its modality
 * @param spacingMm voxel spacing the network expects; volumes are resampled to it (trilinear) and
 *     the soft labels are stored on that grid
 * @param normalisation intensity normalisation after resampling: {@code ct-window} (clip to
 *     [clipLow, clipHigh], then (v − mean)/std) or {@code zscore} (per volume, all voxels)
 * @param roiSize sliding-window size in voxels
 * @param overlap sliding-window overlap in [0, 1)
 * @param outputClasses class name of each network output channel, background first
 * @param storedChannels output channels whose probabilities are stored; null: channel 1 alone for a
 *     binary teacher, every channel otherwise
 * @param featureTap declared feature layer: the name of an extra output of the ONNX model (for
 *     seg-ml exports {@code feature.<tap>}, e.g. {@code feature.decoder.2}, the last decoder stage
 *     of a depth-4 U-Net, which MS-KD's feature term and MSKD use), stored per volume next to the
 *     soft labels; it must be full resolution (the window's D×H×W). Null: no features stored
 * @param temperature softmax temperature T of the stored soft labels, softmax(logits / T), T > 0
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record TeacherManifest(
    int schemaVersion,
    String teacherId,
    String version,
    String format,
    Map<String, String> files,
    String modality,
    List<String> datasets,
    List<Double> spacingMm,
    IntensityNormalization normalisation,
    List<Integer> roiSize,
    double overlap,
    List<String> outputClasses,
    List<Integer> storedChannels,
    String featureTap,
    double temperature) {

  /** The manifest format this code reads and writes. */
  public static final int SCHEMA_VERSION = 1;

  /** Role of the ONNX file in {@link #files}. */
  public static final String ONNX = "onnx";

  /** Role of the DJL weights in {@link #files}. */
  public static final String PARAMS = "params";

  /** Role of the seg-ml model card in {@link #files}. */
  public static final String MODEL_CARD = "modelCard";

  /**
   * Validates every field and copies the collections.
   *
   * @throws InvalidManifestException naming the first problem
   */
  public TeacherManifest {
    if (schemaVersion != SCHEMA_VERSION) {
      throw new InvalidManifestException(
          "unsupported manifest schemaVersion " + schemaVersion + " (expected 1)");
    }
    checkId("teacherId", teacherId);
    checkId("version", version);
    if (!ONNX.equals(format) && !"djl".equals(format)) {
      throw new InvalidManifestException("format must be 'onnx' or 'djl', was " + format);
    }
    files = files == null ? Map.of() : Map.copyOf(files);
    files.values().forEach(name -> checkId("file name", name));
    if (ONNX.equals(format) && !files.containsKey(ONNX)) {
      throw new InvalidManifestException("an onnx teacher needs files.onnx");
    }
    if ("djl".equals(format)
        && !(files.containsKey(ONNX)
            || files.containsKey(PARAMS) && files.containsKey(MODEL_CARD))) {
      throw new InvalidManifestException(
          "a djl teacher needs files.onnx or files.params+modelCard");
    }
    if (!"CT".equals(modality) && !"MR".equals(modality)) {
      throw new InvalidManifestException("modality must be CT or MR, was " + modality);
    }
    datasets = datasets == null ? List.of() : List.copyOf(datasets);
    if (spacingMm == null
        || spacingMm.size() != 3
        || spacingMm.stream().anyMatch(s -> s == null || !(s > 0) || s.isInfinite())) {
      throw new InvalidManifestException("spacingMm needs three positive values [x, y, z]");
    }
    spacingMm = List.copyOf(spacingMm);
    if (normalisation == null) {
      throw new InvalidManifestException("normalisation is required");
    }
    if (roiSize == null
        || roiSize.size() != 3
        || roiSize.stream().anyMatch(r -> r == null || r < 1)) {
      throw new InvalidManifestException("roiSize needs three positive values [x, y, z]");
    }
    roiSize = List.copyOf(roiSize);
    if (!(overlap >= 0 && overlap < 1)) {
      throw new InvalidManifestException("overlap must be in [0, 1), was " + overlap);
    }
    if (outputClasses == null || outputClasses.size() < 2) {
      throw new InvalidManifestException("outputClasses must name at least 2 channels");
    }
    outputClasses = List.copyOf(outputClasses);
    if (storedChannels != null) {
      if (storedChannels.isEmpty()) {
        throw new InvalidManifestException("storedChannels must not be empty when given");
      }
      for (Integer c : storedChannels) {
        if (c == null || c < 0 || c >= outputClasses.size()) {
          throw new InvalidManifestException(
              "storedChannels " + storedChannels + " outside 0.." + (outputClasses.size() - 1));
        }
      }
      storedChannels = List.copyOf(storedChannels);
    }
    if (featureTap != null) {
      if (featureTap.isBlank()) {
        throw new InvalidManifestException("featureTap must not be blank when given");
      }
      if (!files.containsKey(ONNX)) {
        throw new InvalidManifestException(
            "featureTap '" + featureTap + "' names an ONNX output: the teacher needs files.onnx");
      }
    }
    if (!(temperature > 0) || Double.isInfinite(temperature)) {
      throw new InvalidManifestException("temperature must be > 0, was " + temperature);
    }
  }

  /** The output channels whose probabilities are stored, in order. */
  @JsonIgnore
  public List<Integer> effectiveStoredChannels() {
    if (storedChannels != null) {
      return storedChannels;
    }
    if (outputClasses.size() == 2) {
      return List.of(1);
    }
    List<Integer> all = new ArrayList<>();
    for (int c = 0; c < outputClasses.size(); c++) {
      all.add(c);
    }
    return List.copyOf(all);
  }

  /** Class names of the stored channels, in order. */
  @JsonIgnore
  public List<String> storedChannelNames() {
    return effectiveStoredChannels().stream().map(outputClasses::get).toList();
  }

  /** Dataset policy: same modality, and the dataset is listed or no dataset is listed. */
  public boolean appliesTo(String volumeModality, String datasetId) {
    return modality.equals(volumeModality) && (datasets.isEmpty() || datasets.contains(datasetId));
  }

  /** Spacing as {@code double[]} [x, y, z]. */
  @JsonIgnore
  public double[] spacingXyz() {
    return spacingMm.stream().mapToDouble(Double::doubleValue).toArray();
  }

  /** Sliding-window size in the network's D, H, W order (z, y, x). */
  @JsonIgnore
  public int[] roiDhw() {
    return new int[] {roiSize.get(2), roiSize.get(1), roiSize.get(0)};
  }

  private static void checkId(String what, String value) {
    try {
      ObjectKeys.id(value);
    } catch (IllegalArgumentException e) {
      throw new InvalidManifestException(what + ": " + e.getMessage());
    }
  }
}
