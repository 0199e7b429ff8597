package io.distillery.trainer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.distillery.contracts.ObjectKeys;
import io.distillery.segml.networks.LiteUNet3d;
import io.distillery.segml.networks.UNet3d;
import io.distillery.trainer.JobSpec.Budget;
import io.distillery.trainer.JobSpec.DataSelection;
import io.distillery.trainer.JobSpec.NetworkConfig;
import io.distillery.trainer.JobSpec.TeacherRef;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parses a job spec (JSON or YAML), fills in the methods.md defaults and validates it, collecting
 * every problem into one {@link InvalidJobSpecException}. The accepted form:
 *
 * <pre>
 * jobId: job-1                       # optional on REST (generated), taken from the event on Kafka
 * kind: distill                      # teacher | distill | co-train
 * method: ms-kd                      # see {@link Method}
 * modelName: multiorgan-student      # default: the job id
 * modelVersion: "1"
 * classes: [background, liver, spleen]
 * modality: CT
 * datasets: [{id: btcv-liver, split: train}, {id: btcv-spleen}]   # split default train
 * validation: [{id: btcv-multiorgan-val, split: val}]
 * unlabelled: [{id: btcv-unlabeled, split: unlabelled}]
 * teachers: [liver-teacher, "spleen-teacher@2"]
 * applyTo: [btcv-liver, btcv-spleen]  # teacher jobs: datasets the teacher-service runs it on
 * publishTeachers: [ct-t1, ct-t2]    # cross-teaching-online: also publish T1 and T2 as teachers
 * network: {name: LiteUNet3d, baseWidth: 8, depth: 3}
 * teacherNetwork: {name: UNet3d, baseWidth: 8, depth: 3}
 * hyperParameters: {learningRate: 0.002, temperature: 1.0}
 * budget: {steps: 600, batchSize: 2, patchSize: [64, 64, 64], spacingMm: [3, 3, 3],
 *          stepsPerEpoch: 50, checkpointEvery: 50, progressEvery: 10}
 *                                    # or {minutes: 20, ...}: steps planned from the measured
 *                                    # step time, budget.steps (default 100000) their cap
 * seed: 42
 * </pre>
 */
public final class JobSpecParser {

  /**
   * The narrowest network a job may train: below it, PyTorch's threaded CPU convolution backward
   * races (docs/quality.md, "Small networks"). Narrower networks still serve.
   */
  static final int MIN_TRAINED_BASE_WIDTH = 8;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Set<String> TOP_LEVEL =
      Set.of(
          "jobId",
          "kind",
          "method",
          "modelName",
          "modelVersion",
          "classes",
          "modality",
          "datasets",
          "validation",
          "unlabelled",
          "teachers",
          "applyTo",
          "publishTeachers",
          "network",
          "teacherNetwork",
          "hyperParameters",
          "budget",
          "seed");

  /**
   * Hyper-parameters that are switches: given as {@code true}/{@code false} (or 1/0), held as 1.0 /
   * 0.0 like every hyper-parameter, shown as booleans in the resolved spec and the model card.
   */
  public static final Set<String> SWITCHES =
      Set.of("sharedNorms", "batchDice", "deepSupervision", "pseudoLabels");

  private JobSpecParser() {}

  /**
   * Parses JSON, or YAML when {@code yaml} is set; {@code jobIdIfAbsent} names a job without id.
   */
  public static JobSpec parse(String text, boolean yaml, String jobIdIfAbsent) {
    JsonNode tree;
    try {
      tree = (yaml ? YAML : JSON).readTree(text);
    } catch (JsonProcessingException e) {
      throw new InvalidJobSpecException(
          List.of(
              "the spec is not valid " + (yaml ? "YAML" : "JSON") + ": " + e.getOriginalMessage()));
    }
    if (tree instanceof ObjectNode object && !object.hasNonNull("jobId")) {
      object.put("jobId", jobIdIfAbsent);
    }
    return fromTree(tree, null);
  }

  /**
   * Resolves a spec tree; {@code requestJobId} (the id of a {@code TrainingRequested}, or null) is
   * used when the tree has no {@code jobId}, and a tree whose jobId differs from it is refused.
   */
  public static JobSpec fromTree(JsonNode tree, String requestJobId) {
    List<String> errors = new ArrayList<>();
    if (tree == null || !tree.isObject()) {
      throw new InvalidJobSpecException(List.of("the spec must be an object"));
    }
    ObjectNode spec = ((ObjectNode) tree).deepCopy();
    for (Iterator<String> it = spec.fieldNames(); it.hasNext(); ) {
      String field = it.next();
      if (!TOP_LEVEL.contains(field)) {
        errors.add("unknown field '" + field + "' (known: " + TOP_LEVEL + ")");
      }
    }
    String jobId = text(spec, "jobId", null);
    if (jobId == null) {
      jobId = requestJobId;
    } else if (requestJobId != null && !jobId.equals(requestJobId)) {
      errors.add("jobId '" + jobId + "' differs from the request's job id '" + requestJobId + "'");
    }
    if (jobId == null) {
      errors.add("jobId is required");
    } else {
      checkId("jobId", jobId, errors);
      spec.put("jobId", jobId);
    }
    String kind = text(spec, "kind", null);
    String methodName = text(spec, "method", null);
    Method method = Method.of(kind, methodName).orElse(null);
    if (method == null) {
      errors.add(
          "kind '"
              + kind
              + "' with method '"
              + methodName
              + "' is not supported; use teacher (supervised), distill (kd, ms-kd, mskd,"
              + " cross-teaching-offline) or co-train (unpaired-ct-mr, cross-teaching-online)");
      throw new InvalidJobSpecException(errors);
    }
    spec.put("method", method.methodName());

    String modelName = text(spec, "modelName", jobId);
    checkId("modelName", modelName, errors);
    spec.put("modelName", modelName);
    String modelVersion = text(spec, "modelVersion", "1");
    checkId("modelVersion", modelVersion, errors);
    spec.put("modelVersion", modelVersion);

    List<String> classes = strings(spec, "classes", errors);
    if (classes.size() < 2) {
      errors.add("classes must name at least background and one organ, background first");
    } else if (Set.copyOf(classes).size() != classes.size()) {
      errors.add("classes must be distinct: " + classes);
    }
    String modality = text(spec, "modality", method == Method.UNPAIRED_CT_MR ? "CT+MR" : "CT");
    if (method != Method.UNPAIRED_CT_MR && !"CT".equals(modality) && !"MR".equals(modality)) {
      errors.add("modality must be CT or MR, was " + modality);
    }
    spec.put("modality", modality);

    List<DataSelection> datasets = selections(spec, "datasets", "train", errors);
    if (datasets.isEmpty()) {
      errors.add("datasets must name at least one training dataset");
    }
    List<DataSelection> validation = selections(spec, "validation", "val", errors);
    List<DataSelection> unlabelled = selections(spec, "unlabelled", "unlabelled", errors);
    if (method == Method.CROSS_TEACHING_ONLINE && unlabelled.isEmpty()) {
      errors.add("cross-teaching-online needs an unlabelled pool ('unlabelled')");
    }

    List<TeacherRef> teachers = teachers(spec, errors);
    switch (method) {
      case KD -> {
        // Several teachers: their stored classes must together cover the job's foreground classes,
        // which only the catalogue tells (checked when the job starts, KdTargets).
        requireCount(teachers, 1, Integer.MAX_VALUE, method, errors);
        requireDistinct(teachers, method, errors);
      }
      case STRUCTURED_KD -> requireCount(teachers, 1, 1, method, errors);
      case MULTI_BINARY_TEACHERS -> requireCount(teachers, 1, classes.size() - 1, method, errors);
      case CROSS_TEACHING_OFFLINE -> requireCount(teachers, 1, 2, method, errors);
      default -> {
        if (!teachers.isEmpty()) {
          errors.add(method.methodName() + " takes no stored teachers, got " + teachers);
        }
      }
    }
    boolean teacherJob = method.producesTeacher();
    List<String> publishTeachers = publishTeachers(spec, method, modelName, errors);
    List<DataSelection> applyDefault = datasets;
    if (!publishTeachers.isEmpty()) {
      // [our choice] The co-trained teachers exist for the offline variant, whose student learns
      // their soft labels on the labelled sets and on the pool alike.
      applyDefault = new ArrayList<>(datasets);
      applyDefault.addAll(unlabelled);
    }
    List<String> applyTo =
        applyTo(spec, applyDefault, teacherJob || !publishTeachers.isEmpty(), errors);
    NetworkConfig network =
        network(spec, "network", teacherJob ? UNet3d.TYPE : LiteUNet3d.TYPE, errors);
    NetworkConfig teacherNetwork =
        method == Method.CROSS_TEACHING_ONLINE
            ? network(spec, "teacherNetwork", UNet3d.TYPE, errors)
            : null;

    Budget budget = budget(spec, network, teacherNetwork, errors);
    Map<String, Double> hyper = hyperParameters(spec, method, budget, errors);
    long seed = spec.path("seed").isMissingNode() ? 42L : spec.path("seed").asLong(42L);
    if (spec.has("seed") && !spec.get("seed").canConvertToLong()) {
      errors.add("seed must be an integer");
    }
    spec.put("seed", seed);
    if (!errors.isEmpty()) {
      throw new InvalidJobSpecException(errors);
    }
    return new JobSpec(
        jobId,
        method,
        modelName,
        modelVersion,
        classes,
        modality,
        datasets,
        validation,
        unlabelled,
        teachers,
        applyTo,
        publishTeachers,
        network,
        teacherNetwork,
        hyper,
        budget,
        seed,
        spec);
  }

  /** The resolved spec as compact JSON. */
  public static String toJson(JobSpec spec) {
    try {
      return JSON.writeValueAsString(spec.resolved());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree always serialises", e);
    }
  }

  /** Default hyper-parameters of {@code method} (methods.md; [our choice] where it is silent). */
  public static Map<String, Double> defaults(Method method, Budget budget) {
    Map<String, Double> d = new LinkedHashMap<>();
    // [our choice, docs/quality.md runs P0-P2] Adam 1e-2 after a linear warm-up of 50 steps, then
    // poly decay: at 2e-3 (stack.md's reference) the small organs of the phantom test stayed near 0
    // after 300 steps; at 1e-2 every class appears.
    d.put("learningRate", 1e-2);
    d.put("polyPower", 0.9);
    d.put("weightDecay", method == Method.UNPAIRED_CT_MR ? 1e-4 : 0.0);
    // Steps of linear learning-rate warm-up before the poly decay (0: none).
    d.put("warmupSteps", 50.0);
    // [our choice, docs/quality.md] half the patches centred on a voxel of a random present
    // organ: nnU-Net's 1/3 starved the small organs in budgets of a few hundred steps, and 0.9
    // (which fed them) leaves little of the body away from the organs to learn "nothing here".
    d.put("foregroundFraction", 0.5);
    // [our choice, docs/quality.md] no flips by default: real anatomy is never mirrored and the
    // short budgets here gained nothing from them. With flips, a left-right flip swaps paired
    // classes (right_kidney <-> left_kidney, LateralMirror); liver and spleen still swap sides.
    d.put("flipProbability", 0.0);
    // [our choice] CT window of the BTCV data ([-125, 275] HU), centred and scaled to about ±1:
    // (clip(v) - ctMean) / ctStd. ctMean and ctStd default to the window's centre and half width
    // (set from a given window when only the window is given).
    d.put("ctWindowLow", -125.0);
    d.put("ctWindowHigh", 275.0);
    d.put("ctMean", 75.0);
    d.put("ctStd", 200.0);
    d.put("validationOverlap", 0.5);
    switch (method) {
      case SUPERVISED -> {
        // nnU-Net's batch Dice and deep supervision (SupervisedObjective): in the one-case
        // overfit the kidneys, still at Dice 0 after 250 steps without them, pass 0.6 by step
        // 125 with them (docs/quality.md).
        d.put("batchDice", 1.0);
        d.put("deepSupervision", 1.0);
      }
      case KD -> {
        d.put("temperature", 1.0);
        d.put("kdWeight", 1.0);
        d.put("partialLabelWeight", 1.0);
        // The student's partial-label term gets the teachers' deep supervision
        // (StoredSoftLabelObjective).
        d.put("deepSupervision", 1.0);
        // [our choice] partial labels completed by the teachers' hard decisions (PseudoLabels).
        d.put("pseudoLabels", 0.0);
      }
      case MULTI_BINARY_TEACHERS -> {
        d.put("temperature", 1.0);
        d.put("featureWeight", 0.1);
        d.put("partialLabelWeight", 1.0);
        d.put("deepSupervision", 1.0);
        // [our addition, off by default] a soft Dice between the student's and each teacher's
        // foreground (StoredSoftLabelObjective#withTeacherDice); 0 is the paper's loss. Run S2
        // (docs/quality.md) found no difference in 300 steps.
        d.put("teacherDiceWeight", 0.0);
        // [our choice, docs/quality.md S1-S13] Adam 2e-3: at 1e-2 the small organs' softmax
        // collapsed within 125-250 steps in every student run. Pseudo-labels (PseudoLabels) stay
        // an option: with a depth-4 student and 1500 steps the partial-label loss found every
        // organ as early as they did (S13 vs S12).
        d.put("pseudoLabels", 0.0);
        d.put("learningRate", 2e-3);
      }
      case STRUCTURED_KD -> {
        d.put("temperature", 4.0);
        d.put("kdWeight", 0.1);
        d.put("ffdWeight", 0.9);
        d.put("rgdWeight", 0.9);
      }
      case UNPAIRED_CT_MR -> {
        d.put("temperature", 2.0);
        d.put("kdWeight", 0.5);
        // Off: Dou et al.'s method keeps one norm set per modality; on is their "everything
        // shared" comparison (one norm set for CT and MR alike).
        d.put("sharedNorms", 0.0);
      }
      case CROSS_TEACHING_OFFLINE, CROSS_TEACHING_ONLINE -> {
        d.put("temperature", 1.0);
        d.put("consistencyWeight", 0.1);
        d.put("distillationWeight", 10.0);
        // [our choice] the ramp reaches 1 at half of the budget's epochs.
        d.put(
            "rampUpEpochs",
            Math.max(1.0, Math.ceil(budget.steps() / (double) budget.stepsPerEpoch()) / 2));
      }
      default -> {}
    }
    return d;
  }

  private static Map<String, Double> hyperParameters(
      ObjectNode spec, Method method, Budget budget, List<String> errors) {
    Map<String, Double> hyper = defaults(method, budget);
    JsonNode given = spec.path("hyperParameters");
    if (!given.isMissingNode() && !given.isObject()) {
      errors.add("hyperParameters must be an object of numbers");
      return hyper;
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = given.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!hyper.containsKey(e.getKey())) {
        errors.add(
            "hyperParameters."
                + e.getKey()
                + " is not a hyper-parameter of "
                + method.methodName()
                + " (known: "
                + hyper.keySet()
                + ")");
      } else if (SWITCHES.contains(e.getKey())) {
        JsonNode v = e.getValue();
        if (v.isBoolean()) {
          hyper.put(e.getKey(), v.asBoolean() ? 1.0 : 0.0);
        } else if (v.isNumber() && (v.asDouble() == 0 || v.asDouble() == 1)) {
          hyper.put(e.getKey(), v.asDouble());
        } else {
          errors.add("hyperParameters." + e.getKey() + " must be true or false, was " + v);
        }
      } else if (!e.getValue().isNumber()) {
        errors.add("hyperParameters." + e.getKey() + " must be a number");
      } else {
        hyper.put(e.getKey(), e.getValue().asDouble());
      }
    }
    if (!given.has("ctMean")) {
      hyper.put("ctMean", (hyper.get("ctWindowLow") + hyper.get("ctWindowHigh")) / 2);
    }
    if (!given.has("ctStd")) {
      hyper.put("ctStd", (hyper.get("ctWindowHigh") - hyper.get("ctWindowLow")) / 2);
    }
    if (!(hyper.get("ctWindowLow") < hyper.get("ctWindowHigh"))) {
      errors.add("hyperParameters.ctWindowLow must be below ctWindowHigh");
    }
    if (!(hyper.get("ctStd") > 0)) {
      errors.add("hyperParameters.ctStd must be > 0");
    }
    if (!(hyper.get("learningRate") > 0)) {
      errors.add("hyperParameters.learningRate must be > 0");
    }
    if (hyper.containsKey("temperature") && !(hyper.get("temperature") > 0)) {
      errors.add("hyperParameters.temperature must be > 0");
    }
    if (hyper.containsKey("featureWeight")
        && !(hyper.get("featureWeight") >= 0 && Double.isFinite(hyper.get("featureWeight")))) {
      errors.add(
          "hyperParameters.featureWeight must be a finite number >= 0 (0 turns MS-KD's"
              + " feature-wise term off)");
    }
    double flip = hyper.get("flipProbability");
    if (!(flip >= 0 && flip <= 1)) {
      errors.add("hyperParameters.flipProbability must be in [0, 1]");
    }
    double fg = hyper.get("foregroundFraction");
    if (fg < 0 || fg > 1) {
      errors.add("hyperParameters.foregroundFraction must be in [0, 1]");
    }
    ObjectNode resolved = JsonNodeFactory.instance.objectNode();
    hyper.forEach(
        (k, v) -> {
          if (SWITCHES.contains(k)) {
            resolved.put(k, v != 0);
          } else {
            resolved.put(k, v);
          }
        });
    spec.set("hyperParameters", resolved);
    return Map.copyOf(hyper);
  }

  private static Budget budget(
      ObjectNode spec, NetworkConfig network, NetworkConfig teacherNetwork, List<String> errors) {
    JsonNode b = spec.path("budget");
    if (!b.isMissingNode() && !b.isObject()) {
      errors.add("budget must be an object");
      b = JsonNodeFactory.instance.objectNode();
    }
    // budget.minutes: the training loop's wall time; the steps are then planned from the step time
    // measured in the job's first steps (Trainer), and budget.steps is only their cap.
    double minutes = 0;
    if (b.has("minutes")) {
      JsonNode m = b.get("minutes");
      if (!m.isNumber() || !(m.asDouble() > 0) || m.asDouble() > 7 * 24 * 60) {
        errors.add("budget.minutes must be a number of minutes in (0, 10080], got " + m);
      } else {
        minutes = m.asDouble();
      }
    }
    int steps =
        integer(b, "steps", minutes > 0 ? 100_000 : 600, 1, 10_000_000, "budget.steps", errors);
    int batch = integer(b, "batchSize", 2, 1, 64, "budget.batchSize", errors);
    int[] patch = ints(b, "patchSize", new int[] {64, 64, 64}, "budget.patchSize", errors);
    int multiple =
        1 << (Math.max(network.depth(), teacherNetwork == null ? 1 : teacherNetwork.depth()) - 1);
    for (int p : patch) {
      if (p < multiple || p % multiple != 0 || p > 256) {
        errors.add(
            "budget.patchSize values must be multiples of "
                + multiple
                + " (2^(depth-1)) between "
                + multiple
                + " and 256, got "
                + java.util.Arrays.toString(patch));
        break;
      }
    }
    double[] spacing = doubles(b, "spacingMm", new double[] {3, 3, 3}, "budget.spacingMm", errors);
    int perEpoch = integer(b, "stepsPerEpoch", 50, 1, 1_000_000, "budget.stepsPerEpoch", errors);
    int checkpointEvery =
        integer(b, "checkpointEvery", 50, 1, 1_000_000, "budget.checkpointEvery", errors);
    int progressEvery =
        integer(b, "progressEvery", 10, 1, 1_000_000, "budget.progressEvery", errors);
    ObjectNode resolved = JsonNodeFactory.instance.objectNode();
    resolved.put("steps", steps);
    if (minutes > 0) {
      resolved.put("minutes", minutes);
    }
    resolved.put("batchSize", batch);
    ArrayNode p = resolved.putArray("patchSize");
    for (int v : patch) {
      p.add(v);
    }
    ArrayNode s = resolved.putArray("spacingMm");
    for (double v : spacing) {
      s.add(v);
    }
    resolved.put("stepsPerEpoch", perEpoch);
    resolved.put("checkpointEvery", checkpointEvery);
    resolved.put("progressEvery", progressEvery);
    spec.set("budget", resolved);
    return new Budget(
        steps, batch, patch, spacing, perEpoch, checkpointEvery, progressEvery, minutes);
  }

  private static NetworkConfig network(
      ObjectNode spec, String field, String defaultName, List<String> errors) {
    JsonNode n = spec.path(field);
    if (!n.isMissingNode() && !n.isObject()) {
      errors.add(field + " must be an object");
      n = JsonNodeFactory.instance.objectNode();
    }
    String name = n.path("name").asText(defaultName);
    if (!UNet3d.TYPE.equals(name) && !LiteUNet3d.TYPE.equals(name)) {
      errors.add(field + ".name must be UNet3d or LiteUNet3d, was " + name);
    }
    // stack.md: on this CPU, width 8 wins per second; depth 4 as the reference run.
    int width = integer(n, "baseWidth", 8, 1, 128, field + ".baseWidth", errors);
    if (width < MIN_TRAINED_BASE_WIDTH) {
      // docs/quality.md, "Small networks": PyTorch's multi-threaded CPU convolution backward gives
      // NaN weight gradients for fewer than 8 output channels on some CPUs (AVX-512 Zen 5).
      errors.add(
          field
              + ".baseWidth must be at least "
              + MIN_TRAINED_BASE_WIDTH
              + " for training, was "
              + width
              + ": narrower networks get NaN gradients from PyTorch's multi-threaded CPU"
              + " convolution on some processors");
    }
    int depth = integer(n, "depth", 4, 1, 6, field + ".depth", errors);
    ObjectNode resolved = JsonNodeFactory.instance.objectNode();
    resolved.put("name", name);
    resolved.put("baseWidth", width);
    resolved.put("depth", depth);
    spec.set(field, resolved);
    return new NetworkConfig(name, width, depth);
  }

  private static List<TeacherRef> teachers(ObjectNode spec, List<String> errors) {
    List<TeacherRef> out = new ArrayList<>();
    JsonNode t = spec.path("teachers");
    if (t.isMissingNode()) {
      return out;
    }
    if (!t.isArray()) {
      errors.add("teachers must be a list of teacher ids ('id' or 'id@version')");
      return out;
    }
    for (JsonNode item : t) {
      String text = item.asText("");
      int at = text.indexOf('@');
      String id = at < 0 ? text : text.substring(0, at);
      String version = at < 0 ? null : text.substring(at + 1);
      checkId("teacher id", id, errors);
      if (version != null) {
        checkId("teacher version", version, errors);
      }
      out.add(new TeacherRef(id, version));
    }
    return out;
  }

  /**
   * The teacher-service's dataset policy of a teacher job (or of the teachers a
   * cross-teaching-online job publishes): absent means {@code datasets} (the job's training
   * datasets, plus its pool for co-trained teachers), an empty list means every dataset of its
   * modality, otherwise the listed dataset ids. Multi-teacher distillation (MS-KD) needs each
   * single-organ teacher's outputs on the other organs' datasets too, hence the explicit list.
   */
  private static List<String> applyTo(
      ObjectNode spec, List<DataSelection> datasets, boolean publishes, List<String> errors) {
    JsonNode node = spec.path("applyTo");
    if (node.isMissingNode() || node.isNull()) {
      List<String> ids = datasets.stream().map(DataSelection::id).distinct().toList();
      if (publishes) {
        ArrayNode resolved = spec.putArray("applyTo");
        ids.forEach(resolved::add);
      }
      return ids;
    }
    if (!publishes) {
      errors.add(
          "applyTo is only for teacher jobs and cross-teaching-online with publishTeachers (the"
              + " datasets the teacher-service runs the published teachers on)");
      return List.of();
    }
    if (!node.isArray()) {
      errors.add("applyTo must be a list of dataset ids ([] = every dataset of the modality)");
      return List.of();
    }
    List<String> ids = new ArrayList<>();
    for (JsonNode item : node) {
      String id = item.asText("");
      checkId("applyTo dataset id", id, errors);
      ids.add(id);
    }
    return List.copyOf(ids);
  }

  /** A teacher id at most once (its stored outputs are read per id and version). */
  private static void requireDistinct(
      List<TeacherRef> teachers, Method method, List<String> errors) {
    List<String> ids = teachers.stream().map(TeacherRef::id).toList();
    if (Set.copyOf(ids).size() != ids.size()) {
      errors.add(method.methodName() + " takes each teacher id at most once, got " + ids);
    }
  }

  /**
   * cross-teaching-online's {@code publishTeachers}: absent or empty publishes the student only;
   * otherwise exactly two distinct teacher ids, for T1 and T2 in that order. Refused on every other
   * method, which has no pair of co-trained teachers to publish.
   */
  private static List<String> publishTeachers(
      ObjectNode spec, Method method, String modelName, List<String> errors) {
    JsonNode node = spec.path("publishTeachers");
    if (node.isMissingNode() || node.isNull()) {
      if (method == Method.CROSS_TEACHING_ONLINE) {
        spec.putArray("publishTeachers");
      }
      return List.of();
    }
    if (method != Method.CROSS_TEACHING_ONLINE) {
      errors.add(
          "publishTeachers is only for co-train cross-teaching-online (it publishes the"
              + " co-trained teachers T1 and T2), not for "
              + method.methodName());
      return List.of();
    }
    if (!node.isArray() || node.size() > 0 && node.size() != 2) {
      errors.add(
          "publishTeachers must list two teacher ids, for T1 (transposed-convolution"
              + " up-sampling) and T2 (interpolation up-sampling), or be empty; got "
              + node);
      return List.of();
    }
    List<String> ids = new ArrayList<>();
    for (JsonNode item : node) {
      if (!item.isTextual()) {
        errors.add("publishTeachers entries must be teacher ids (strings), got " + item);
        return List.of();
      }
      String id = item.asText();
      checkId("publishTeachers teacher id", id, errors);
      ids.add(id);
    }
    if (ids.size() == 2 && ids.get(0).equals(ids.get(1))) {
      errors.add("publishTeachers must name T1 and T2 differently, got " + ids);
    }
    if (ids.contains(modelName)) {
      errors.add(
          "publishTeachers must differ from modelName '"
              + modelName
              + "' (the student), so that the three published models have distinct names");
    }
    return List.copyOf(ids);
  }

  private static void requireCount(
      List<TeacherRef> teachers, int min, int max, Method method, List<String> errors) {
    if (teachers.size() < min || teachers.size() > max) {
      errors.add(
          method.methodName()
              + " needs "
              + (min == max
                  ? String.valueOf(min)
                  : max == Integer.MAX_VALUE ? "at least " + min : min + " to " + max)
              + " teacher(s) in 'teachers', got "
              + teachers.size()
              + (method == Method.MULTI_BINARY_TEACHERS
                  ? " (at most one per foreground class)"
                  : ""));
    }
  }

  private static List<DataSelection> selections(
      ObjectNode spec, String field, String defaultSplit, List<String> errors) {
    List<DataSelection> out = new ArrayList<>();
    JsonNode node = spec.path(field);
    if (node.isMissingNode()) {
      spec.putArray(field);
      return out;
    }
    if (!node.isArray()) {
      errors.add(field + " must be a list of {id, split}");
      return out;
    }
    ArrayNode resolved = JsonNodeFactory.instance.arrayNode();
    for (JsonNode item : node) {
      String id = item.isTextual() ? item.asText() : item.path("id").asText(null);
      String split = item.isTextual() ? defaultSplit : item.path("split").asText(defaultSplit);
      if (id == null || id.isBlank()) {
        errors.add(field + " entries need an 'id'");
        continue;
      }
      out.add(new DataSelection(id, split));
      resolved.addObject().put("id", id).put("split", split);
    }
    spec.set(field, resolved);
    return out;
  }

  private static List<String> strings(ObjectNode spec, String field, List<String> errors) {
    List<String> out = new ArrayList<>();
    JsonNode node = spec.path(field);
    if (!node.isArray()) {
      errors.add(field + " is required: a list of class names, background first");
      return out;
    }
    node.forEach(n -> out.add(n.asText()));
    return out;
  }

  private static String text(JsonNode node, String field, String fallback) {
    JsonNode v = node.path(field);
    return v.isMissingNode() || v.isNull() ? fallback : v.asText();
  }

  private static int integer(
      JsonNode node,
      String field,
      int fallback,
      int min,
      int max,
      String name,
      List<String> errors) {
    JsonNode v = node.path(field);
    if (v.isMissingNode()) {
      return fallback;
    }
    if (!v.canConvertToInt() || !v.isIntegralNumber()) {
      errors.add(name + " must be an integer");
      return fallback;
    }
    int value = v.asInt();
    if (value < min || value > max) {
      errors.add(name + " must be in [" + min + ", " + max + "], was " + value);
      return fallback;
    }
    return value;
  }

  private static int[] ints(
      JsonNode node, String field, int[] fallback, String name, List<String> errors) {
    JsonNode v = node.path(field);
    if (v.isMissingNode()) {
      return fallback.clone();
    }
    if (v.isIntegralNumber()) {
      return new int[] {v.asInt(), v.asInt(), v.asInt()};
    }
    if (!v.isArray() || v.size() != 3) {
      errors.add(name + " must be three integers (D, H, W) or one");
      return fallback.clone();
    }
    return new int[] {v.get(0).asInt(), v.get(1).asInt(), v.get(2).asInt()};
  }

  private static double[] doubles(
      JsonNode node, String field, double[] fallback, String name, List<String> errors) {
    JsonNode v = node.path(field);
    double[] out = fallback.clone();
    if (v.isMissingNode()) {
      return out;
    }
    if (v.isNumber()) {
      out = new double[] {v.asDouble(), v.asDouble(), v.asDouble()};
    } else if (v.isArray() && v.size() == 3) {
      out = new double[] {v.get(0).asDouble(), v.get(1).asDouble(), v.get(2).asDouble()};
    } else {
      errors.add(name + " must be three numbers (x, y, z) or one");
      return fallback.clone();
    }
    for (double d : out) {
      if (!(d > 0.1) || d > 50) {
        errors.add(name + " values must be in (0.1, 50] mm");
        break;
      }
    }
    return out;
  }

  private static void checkId(String name, String value, List<String> errors) {
    try {
      ObjectKeys.id(value);
    } catch (IllegalArgumentException e) {
      errors.add(name + ": " + e.getMessage());
    }
  }
}
