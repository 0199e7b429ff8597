package io.distillery.segml.checkpoint;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The post-processing inference applies to a model's output, recorded in the model card ({@code
 * "postprocessing"}).
 *
 * @param resampleProbabilities softmax probabilities are resampled (trilinear, class by class) onto
 *     the input grid and the argmax is taken there; otherwise the argmax is taken on the model's
 *     grid and the label map is mapped back by nearest neighbour (sliding-window models)
 * @param largestComponent per class, only the largest 26-connected component is kept (the two
 *     largest for {@code bilateralClasses}); other voxels of the class become background
 * @param bilateralClasses label names of classes that are a pair of organs, for which two
 *     components are kept; each must be one of the card's label names
 */
public record PostprocessingSpec(
    boolean resampleProbabilities, boolean largestComponent, List<String> bilateralClasses) {

  /**
   * Free-form hyper-parameter that switched on the largest component before this record existed;
   * honoured for cards without {@code postprocessing} (see {@link #ofLegacyCard}).
   */
  public static final String LEGACY_LARGEST_COMPONENT = "largestComponent";

  /**
   * Names of paired organs, lower case, words joined by {@code _}: a class with one of these names
   * (compared after {@link #normalisedName}) holds both organs of a pair, so the largest-component
   * step keeps its two largest components. A class named with a side ({@code left_kidney}, {@code
   * kidney_right}) is a single organ and is not listed. Plural forms are listed explicitly rather
   * than derived [our choice: a closed list, so that e.g. {@code pancreas} can never be mistaken
   * for a plural].
   */
  public static final Set<String> BILATERAL_ORGANS =
      Set.of(
          "kidney",
          "kidneys",
          "lung",
          "lungs",
          "adrenal",
          "adrenals",
          "adrenal_gland",
          "adrenal_glands",
          "ureter",
          "ureters",
          "ovary",
          "ovaries",
          "testis",
          "testes",
          "eye",
          "eyes",
          "eyeball",
          "eyeballs",
          "lens",
          "optic_nerve",
          "optic_nerves",
          "parotid",
          "parotids",
          "parotid_gland",
          "parotid_glands",
          "submandibular_gland",
          "submandibular_glands",
          "lacrimal_gland",
          "lacrimal_glands",
          "cochlea",
          "cochleae",
          "breast",
          "breasts",
          "femur",
          "femurs",
          "femoral_head",
          "femoral_heads",
          "hip",
          "hips",
          "humerus",
          "scapula",
          "scapulae",
          "clavicle",
          "clavicles",
          "iliac_artery",
          "iliac_arteries",
          "iliac_vein",
          "iliac_veins");

  /** No post-processing: argmax on the model grid, nearest neighbour back, every component kept. */
  public static final PostprocessingSpec NONE = new PostprocessingSpec(false, false, List.of());

  /** Validates and copies the class list. */
  public PostprocessingSpec {
    bilateralClasses = bilateralClasses == null ? List.of() : List.copyOf(bilateralClasses);
  }

  /**
   * What the trainer records for an organ model: probabilities resampled before the argmax, the
   * largest component per class, two for the classes of {@code labelNames} that are {@link
   * #isBilateral bilateral}.
   */
  public static PostprocessingSpec forOrgans(List<String> labelNames) {
    return new PostprocessingSpec(
        true, true, labelNames.stream().filter(PostprocessingSpec::isBilateral).toList());
  }

  /**
   * The behaviour of a card written before {@code postprocessing} existed: argmax on the model
   * grid, nearest neighbour back, and the single largest component per class only when the
   * hyper-parameter {@value #LEGACY_LARGEST_COMPONENT} is true.
   */
  public static PostprocessingSpec ofLegacyCard(Map<String, Object> hyperParameters) {
    boolean lcc =
        hyperParameters != null
            && Boolean.parseBoolean(String.valueOf(hyperParameters.get(LEGACY_LARGEST_COMPONENT)));
    return new PostprocessingSpec(false, lcc, List.of());
  }

  /**
   * Per class index of {@code labelNames}, how many of its largest components to keep: 2 for a
   * class in {@link #bilateralClasses()}, else 1 (the argument of {@link
   * io.distillery.segml.inferers.LargestConnectedComponent#keepLargest}).
   */
  public int[] componentsToKeep(List<String> labelNames) {
    int[] keep = new int[labelNames.size()];
    for (int c = 0; c < keep.length; c++) {
      keep[c] = bilateralClasses.contains(labelNames.get(c)) ? 2 : 1;
    }
    return keep;
  }

  /** Whether a class of this name is a pair of organs ({@link #BILATERAL_ORGANS}). */
  public static boolean isBilateral(String className) {
    return className != null && BILATERAL_ORGANS.contains(normalisedName(className));
  }

  /**
   * Lower case, spaces and hyphens as {@code _}: {@code "Adrenal Gland"} → {@code adrenal_gland}.
   */
  public static String normalisedName(String className) {
    return className.trim().toLowerCase(Locale.ROOT).replace(' ', '_').replace('-', '_');
  }
}
