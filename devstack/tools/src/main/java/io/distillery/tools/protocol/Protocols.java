package io.distillery.tools.protocol;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.distillery.tools.UsageException;
import io.distillery.tools.protocol.Protocol.DataUse;
import io.distillery.tools.protocol.Protocol.Job;
import io.distillery.tools.protocol.Protocol.Role;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The four protocols of issue #9 as data: which folders of {@code ../shared/data} they ingest,
 * which student-trainer jobs they submit and what they score. Folder names, label values and spec
 * fields follow {@code ../shared/data/README.md} and student-trainer/README.md.
 *
 * <p>Teachers are named after their data and versioned by a hash of their spec ({@link
 * #versionReusable}, then {@link JobVersions} from the trainer's resolution), so that a teacher
 * already published with the same data, seed and recipe (by an earlier run or another protocol) is
 * reused instead of retrained; students get this run's version unless {@code --reuse all}.
 */
public final class Protocols {

  /** The protocol names, in the issue's order. */
  public static final List<String> NAMES =
      List.of("ms-kd-btcv", "mskd-btcv", "unpaired-ct-mr", "cross-teaching");

  /** The four organs of ms-kd-btcv, in the student's class order. */
  static final List<String> BTCV_ORGANS = List.of("liver", "spleen", "kidney", "pancreas");

  /** The classes of btcv-ct-4organ and chaos-mr (label names of their dataset.json). */
  static final List<String> FOUR_ORGAN_CLASSES =
      List.of("background", "liver", "right_kidney", "left_kidney", "spleen");

  /**
   * btcv-multiorgan-val label values (its dataset.json): spleen 1, right kidney 2, left kidney 3,
   * liver 6, pancreas 11; the single-organ sets label both kidneys as one {@code kidney}.
   */
  static final Map<String, Set<Integer>> BTCV_VAL_LABELS =
      Map.of(
          "liver", Set.of(6),
          "spleen", Set.of(1),
          "kidney", Set.of(2, 3),
          "pancreas", Set.of(11),
          "right_kidney", Set.of(2),
          "left_kidney", Set.of(3));

  /** chaos-mr label values: liver 1, right kidney 2, left kidney 3, spleen 4. */
  static final Map<String, Set<Integer>> FOUR_ORGAN_LABELS =
      Map.of(
          "liver",
          Set.of(1),
          "right_kidney",
          Set.of(2),
          "left_kidney",
          Set.of(3),
          "spleen",
          Set.of(4));

  /**
   * Training grid of every protocol: the trainer's recipe (docs/quality.md): 3 mm voxels, 64³
   * patches, batch 2. The earlier 4 mm / 32³ grid never found a kidney.
   */
  static final double SPACING_MM = 3.0;

  static final int PATCH = 64;
  static final int BATCH = 2;

  /**
   * The teacher ids under which cross-teaching's online job publishes its T1 and T2 (at the run's
   * version, so each run's offline arm uses that run's pair).
   */
  static final List<String> CROSS_TEACHERS = List.of("crossteach-t1", "crossteach-t2");

  private static final ObjectMapper JSON = new ObjectMapper();

  private Protocols() {}

  /**
   * The protocol {@code name} with {@code budget} and {@code seed}; {@code runVersion} is the
   * version of its students and part of their job ids.
   *
   * @throws UsageException for an unknown name
   */
  public static Protocol define(String name, Budget budget, long seed, String runVersion) {
    return switch (name) {
      case "ms-kd-btcv" -> msKdBtcv(budget, seed, runVersion);
      case "mskd-btcv" -> mskdBtcv(budget, seed, runVersion);
      case "unpaired-ct-mr" -> unpairedCtMr(budget, seed, runVersion);
      case "cross-teaching" -> crossTeaching(budget, seed, runVersion);
      default -> throw new UsageException("unknown protocol '" + name + "'; one of " + NAMES);
    };
  }

  // ------------------------------------------------------------------ the protocols

  static Protocol msKdBtcv(Budget budget, long seed, String run) {
    List<DataUse> data = new ArrayList<>();
    BTCV_ORGANS.forEach(o -> data.add(DataUse.all("btcv-" + o, "CT", "train")));
    DataUse pool = DataUse.all("btcv-unlabeled", "CT", "unlabelled");
    data.add(pool);
    List<String> applyTo = data.stream().map(DataUse::datasetId).toList();
    List<Job> jobs = new ArrayList<>();
    List<String> teacherRefs = new ArrayList<>();
    for (String organ : BTCV_ORGANS) {
      String id = organ + "-teacher";
      ObjectNode spec = common(null, "teacher", null, id, null, budget, seed);
      classes(spec, List.of("background", organ));
      selections(spec, "datasets", List.of(DataUse.all("btcv-" + organ, "CT", "train")));
      ArrayNode apply = spec.putArray("applyTo");
      applyTo.forEach(apply::add);
      network(spec, "network", "UNet3d", 8, 4);
      String version = versionReusable(spec, id, seed);
      jobs.add(
          new Job(
              "teacher-" + organ,
              Role.TEACHER,
              spec,
              true,
              "single-organ teacher (" + organ + ")"));
      teacherRefs.add(id + "@" + version);
    }
    List<String> classes = new ArrayList<>(List.of("background"));
    classes.addAll(BTCV_ORGANS);
    List<DataUse> organSets = data.subList(0, BTCV_ORGANS.size());

    // (a) The partial-label baseline is a supervised job on the four binary sets (the trainer
    // applies the partial-label loss to datasets labelling only some classes). It publishes as a
    // teacher; applyTo names a dataset with no volumes so that the teacher-service spends no time
    // on its soft labels, which nothing uses.
    // Versioned like a teacher (by its whole spec), so that a run with the same spec reuses it.
    ObjectNode baseline =
        common(null, "teacher", null, "mskdbtcv-partial-label", null, budget, seed);
    classes(baseline, classes);
    selections(baseline, "datasets", organSets);
    baseline.putArray("applyTo").add("no-soft-labels");
    network(baseline, "network", "UNet3d", 8, 4);
    versionReusable(baseline, "mskdbtcv-partial-label", seed);
    jobs.add(
        new Job(
            "partial-label",
            Role.TEACHER,
            baseline,
            true,
            "(a) partial-label baseline, no teachers"));

    // (b) Vanilla KD from the same four teachers, data and student network as the MS-KD arms:
    // the trainer combines the single-organ teachers' stored probabilities per voxel into one
    // target over the five classes (student-trainer/README.md, distill / kd); default
    // hyper-parameters (T 1, kdWeight 1, partialLabelWeight 1). (c) MS-KD logit-wise from the
    // four teachers' stored soft labels, pool included (featureWeight 0 switches the feature-wise
    // term off); (d) the same plus the feature-wise term on the feature maps the teacher-service
    // stores for the trainer's teachers.
    record StudentArm(String key, String method, Double featureWeight, String label) {}
    for (StudentArm a :
        List.of(
            new StudentArm("kd", "kd", null, "(b) vanilla KD from the four teachers"),
            new StudentArm("ms-kd", "ms-kd", 0.0, "(c) MS-KD logit-wise"),
            new StudentArm(
                "ms-kd-feature", "ms-kd", 0.1, "(d) MS-KD logit + feature (featureWeight 0.1)"))) {
      jobs.add(
          multiTeacherStudent(
              run,
              a.key(),
              a.method(),
              a.featureWeight(),
              a.label(),
              classes,
              organSets,
              pool,
              teacherRefs,
              budget,
              seed));
    }

    return new Protocol(
        "ms-kd-btcv",
        "MS-KD on BTCV: four single-organ teachers, partial-label baseline vs vanilla KD vs MS-KD"
            + " students",
        seed,
        budget,
        data,
        DataUse.all("btcv-multiorgan-val", "CT", "val"),
        BTCV_VAL_LABELS,
        jobs,
        List.of());
  }

  /**
   * A student of the ms-kd-btcv protocol distilled ({@code method} kd or ms-kd) from the four
   * single-organ teachers on the four organ sets and the pool; {@code featureWeight} null leaves
   * the method's hyper-parameters at their defaults.
   */
  private static Job multiTeacherStudent(
      String run,
      String key,
      String method,
      Double featureWeight,
      String arm,
      List<String> classes,
      List<DataUse> organSets,
      DataUse pool,
      List<String> teacherRefs,
      Budget budget,
      long seed) {
    ObjectNode spec =
        common(
            jobId("ms-kd-btcv", run, key),
            "distill",
            method,
            "mskdbtcv-" + key + "-student",
            run,
            budget,
            seed);
    classes(spec, classes);
    selections(spec, "datasets", organSets);
    selections(spec, "unlabelled", List.of(pool));
    ArrayNode refs = spec.putArray("teachers");
    teacherRefs.forEach(refs::add);
    // Dense UNet3d: the depthwise LiteUNet3d backward pass is several times slower per step on DJL
    // PyTorch (CPU), see libs/seg-ml. Width 8, the narrowest the trainer trains; depth 4 like the
    // teachers: the one student that found the small organs was w8 d4 (docs/quality.md, S12).
    network(spec, "network", "UNet3d", 8, 4);
    if (featureWeight != null) {
      spec.putObject("hyperParameters").put("featureWeight", featureWeight);
    }
    return new Job(key, Role.STUDENT, spec, true, arm);
  }

  static Protocol mskdBtcv(Budget budget, long seed, String run) {
    DataUse ct = DataUse.all("btcv-ct-4organ", "CT", "train");
    List<Job> jobs = new ArrayList<>();
    Job teacher = fourOrganTeacher(budget, seed, ct);
    jobs.add(teacher);
    String ref = teacher.modelName() + "@" + teacher.modelVersion();
    jobs.add(liteSupervised(budget, seed, ct, "LiteUNet3d without KD (supervised)"));
    jobs.add(
        liteStudent("kd", "mskd-btcv", run, budget, seed, "kd", ct, ref, "LiteUNet3d with KD"));
    Job full =
        liteStudent(
            "mskd",
            "mskd-btcv",
            run,
            budget,
            seed,
            "mskd",
            ct,
            ref,
            "LiteUNet3d with KD + FFD + RGD");
    jobs.add(full);
    // KD alone from the MSKD recipe: the FFD and RGD terms switched off.
    ObjectNode hp = jobs.get(2).spec().putObject("hyperParameters");
    hp.put("temperature", 4.0);
    hp.put("kdWeight", 0.1);
    return new Protocol(
        "mskd-btcv",
        "MSKD on btcv-ct-4organ: UNet3d teacher, LiteUNet3d students without KD, with KD, with KD+FFD+RGD",
        seed,
        budget,
        List.of(ct),
        DataUse.all("btcv-multiorgan-val", "CT", "val"),
        BTCV_VAL_LABELS,
        jobs,
        List.of());
  }

  static Protocol unpairedCtMr(Budget budget, long seed, String run) {
    DataUse ct = DataUse.all("btcv-ct-4organ", "CT", "train");
    DataUse mrTrain = new DataUse("chaos-mr", "chaos-mr", "MR", "train", 0, 12);
    DataUse mrVal = new DataUse("chaos-mr", "chaos-mr", "MR", "val", 12, 14);
    List<Job> jobs = new ArrayList<>();
    ObjectNode mrOnly =
        common(
            jobId("unpaired-ct-mr", run, "mr-only"),
            "teacher",
            null,
            "unpaired-mr-only",
            run,
            budget,
            seed);
    classes(mrOnly, FOUR_ORGAN_CLASSES);
    mrOnly.put("modality", "MR");
    selections(mrOnly, "datasets", List.of(mrTrain));
    mrOnly.putArray("applyTo").add("no-soft-labels");
    network(mrOnly, "network", "UNet3d", 8, 3);
    jobs.add(new Job("mr-only", Role.TEACHER, mrOnly, true, "MR only (supervised)"));
    // The three CT+MR arms differ only in the hyper-parameters: the prototype KL is the method's
    // kdWeight term (0.5 at T = 2; 0 leaves the modality-specific norms alone), sharedNorms puts
    // CT and MR through one instance-norm set (everything shared).
    unpairedArm(
        jobs,
        run,
        budget,
        seed,
        ct,
        mrTrain,
        "separate-norms",
        0.0,
        false,
        "CT+MR, modality-specific norms");
    unpairedArm(
        jobs,
        run,
        budget,
        seed,
        ct,
        mrTrain,
        "separate-norms-prototype-kd",
        0.5,
        false,
        "CT+MR, modality-specific norms + prototype KD");
    unpairedArm(
        jobs,
        run,
        budget,
        seed,
        ct,
        mrTrain,
        "everything-shared",
        0.0,
        true,
        "CT+MR, everything shared");
    return new Protocol(
        "unpaired-ct-mr",
        "Unpaired CT/MR: chaos-mr (12 train, 2 validate) with btcv-ct-4organ",
        seed,
        budget,
        List.of(ct, mrTrain),
        mrVal,
        FOUR_ORGAN_LABELS,
        jobs,
        List.of());
  }

  /** One co-train unpaired-ct-mr arm of the unpaired-ct-mr protocol. */
  private static void unpairedArm(
      List<Job> jobs,
      String run,
      Budget budget,
      long seed,
      DataUse ct,
      DataUse mrTrain,
      String key,
      double kdWeight,
      boolean sharedNorms,
      String arm) {
    ObjectNode s =
        common(
            jobId("unpaired-ct-mr", run, key),
            "co-train",
            "unpaired-ct-mr",
            "unpaired-" + key,
            run,
            budget,
            seed);
    classes(s, FOUR_ORGAN_CLASSES);
    selections(s, "datasets", List.of(ct, mrTrain));
    network(s, "network", "UNet3d", 8, 3);
    ObjectNode hp = s.putObject("hyperParameters").put("kdWeight", kdWeight);
    if (sharedNorms) {
      hp.put("sharedNorms", true);
    }
    jobs.add(new Job(key, Role.STUDENT, s, true, arm));
  }

  static Protocol crossTeaching(Budget budget, long seed, String run) {
    DataUse ct = DataUse.all("btcv-ct-4organ", "CT", "train");
    DataUse pool = DataUse.all("btcv-unlabeled", "CT", "unlabelled");
    List<Job> jobs = new ArrayList<>();
    jobs.add(liteSupervised(budget, seed, ct, "LiteUNet3d supervised"));
    // The online job co-trains T1, T2 and the student and also publishes T1 and T2 as teachers
    // (publishTeachers), applied by the teacher-service to the labelled set and the pool: the
    // offline arm distils from the very pair the online arm co-trained, so the two arms differ
    // only in online vs offline distillation.
    ObjectNode online =
        common(
            jobId("cross-teaching", run, "online"),
            "co-train",
            "cross-teaching-online",
            "crossteach-online",
            run,
            budget,
            seed);
    classes(online, FOUR_ORGAN_CLASSES);
    selections(online, "datasets", List.of(ct));
    selections(online, "unlabelled", List.of(pool));
    network(online, "network", "LiteUNet3d", 8, 3);
    network(online, "teacherNetwork", "UNet3d", 8, 3);
    online.putArray("publishTeachers").add(CROSS_TEACHERS.get(0)).add(CROSS_TEACHERS.get(1));
    online.putArray("applyTo").add(ct.datasetId()).add(pool.datasetId());
    Job onlineJob =
        new Job(
            "online",
            Role.STUDENT,
            online,
            true,
            "online cross-teaching KD (also publishes its T1, T2)");
    jobs.add(onlineJob);
    ObjectNode offline =
        common(
            jobId("cross-teaching", run, "offline"),
            "distill",
            "cross-teaching-offline",
            "crossteach-offline",
            run,
            budget,
            seed);
    classes(offline, FOUR_ORGAN_CLASSES);
    selections(offline, "datasets", List.of(ct));
    selections(offline, "unlabelled", List.of(pool));
    ArrayNode teachers = offline.putArray("teachers");
    onlineJob.publishedTeachers().forEach(teachers::add);
    network(offline, "network", "LiteUNet3d", 8, 3);
    jobs.add(
        new Job(
            "offline",
            Role.STUDENT,
            offline,
            true,
            "offline cross-teaching from the online job's T1, T2 (teacher-service soft labels)"));
    return new Protocol(
        "cross-teaching",
        "Cross-teaching on btcv-ct-4organ + btcv-unlabeled: supervised vs online vs offline",
        seed,
        budget,
        List.of(ct, pool),
        DataUse.all("btcv-multiorgan-val", "CT", "val"),
        BTCV_VAL_LABELS,
        jobs,
        List.of());
  }

  // ------------------------------------------------------------------ spec helpers

  /**
   * Gives a reusable job (a teacher, or a baseline published as one) its version and job id from
   * its whole spec: {@code s<seed>-<first 10 hex digits of the SHA-256 of the spec without its
   * ids>}. A run whose spec differs in anything the tools write (grid, budget, network, data,
   * classes, hyper-parameters) trains a new model instead of reusing an old one. This version holds
   * until the stack is up; the runner then re-versions from the spec as the trainer resolves it,
   * defaults included ({@link JobVersions}).
   *
   * @return the version
   */
  static String versionReusable(ObjectNode spec, String id, long seed) {
    String version = "s" + seed + "-" + JobVersions.hash(spec);
    spec.put("modelVersion", version);
    spec.put("jobId", id + "-" + version);
    return version;
  }

  private static String jobId(String protocol, String run, String key) {
    return protocol + "-" + run + "-" + key;
  }

  /** The UNet3d w8 teacher of btcv-ct-4organ (soft labels on that set), reusable by name. */
  private static Job fourOrganTeacher(Budget budget, long seed, DataUse ct) {
    String id = "ct4organ-teacher";
    ObjectNode spec = common(null, "teacher", null, id, null, budget, seed);
    classes(spec, FOUR_ORGAN_CLASSES);
    selections(spec, "datasets", List.of(ct));
    spec.putArray("applyTo").add(ct.datasetId());
    network(spec, "network", "UNet3d", 8, 4);
    versionReusable(spec, id, seed);
    return new Job("teacher", Role.TEACHER, spec, true, "UNet3d teacher w8 d4");
  }

  /**
   * The supervised LiteUNet3d w8 on btcv-ct-4organ, the no-KD arm of mskd-btcv and cross-teaching:
   * the same job in both, so it is versioned and reused like a teacher (published as one, with no
   * soft labels).
   */
  private static Job liteSupervised(Budget budget, long seed, DataUse ct, String arm) {
    String id = "ct4organ-lite-supervised";
    ObjectNode spec = common(null, "teacher", null, id, null, budget, seed);
    classes(spec, FOUR_ORGAN_CLASSES);
    selections(spec, "datasets", List.of(ct));
    spec.putArray("applyTo").add("no-soft-labels");
    network(spec, "network", "LiteUNet3d", 8, 3);
    versionReusable(spec, id, seed);
    return new Job("supervised", Role.TEACHER, spec, true, arm);
  }

  /** A LiteUNet3d w8 student of {@code protocol} distilled with {@code method} from one teacher. */
  private static Job liteStudent(
      String key,
      String protocol,
      String run,
      Budget budget,
      long seed,
      String method,
      DataUse ct,
      String teacherRef,
      String arm) {
    String model = protocol.replace("-", "") + "-" + key;
    ObjectNode spec =
        common(jobId(protocol, run, key), "distill", method, model, run, budget, seed);
    classes(spec, FOUR_ORGAN_CLASSES);
    selections(spec, "datasets", List.of(ct));
    spec.putArray("teachers").add(teacherRef);
    network(spec, "network", "LiteUNet3d", 8, 3);
    return new Job(key, Role.STUDENT, spec, true, arm);
  }

  private static ObjectNode common(
      String jobId,
      String kind,
      String method,
      String model,
      String version,
      Budget budget,
      long seed) {
    ObjectNode spec = JSON.createObjectNode();
    // A reusable job gets its id and version from its finished spec (versionReusable).
    spec.put("jobId", jobId);
    spec.put("kind", kind);
    if (method != null) {
      spec.put("method", method);
    }
    spec.put("modelName", model);
    spec.put("modelVersion", version);
    spec.put("modality", "CT");
    ObjectNode b = spec.putObject("budget");
    int steps = budget.stepsPerJob();
    b.put("steps", steps);
    if (budget.timed()) {
      // The trainer plans the steps from its measured step time; steps is only the cap.
      b.put("minutes", budget.minutesPerJob());
    }
    b.put("batchSize", BATCH);
    b.putArray("patchSize").add(PATCH).add(PATCH).add(PATCH);
    b.putArray("spacingMm").add(SPACING_MM).add(SPACING_MM).add(SPACING_MM);
    b.put("stepsPerEpoch", budget.timed() ? 100 : Math.max(1, steps / 4));
    b.put("checkpointEvery", budget.timed() ? 100 : steps);
    b.put("progressEvery", budget.timed() ? 25 : Math.max(1, steps / 20));
    spec.put("seed", seed);
    return spec;
  }

  private static void classes(ObjectNode spec, List<String> classes) {
    ArrayNode a = spec.putArray("classes");
    classes.forEach(a::add);
  }

  private static void selections(ObjectNode spec, String field, List<DataUse> uses) {
    ArrayNode a = spec.putArray(field);
    Map<String, String> seen = new LinkedHashMap<>();
    for (DataUse d : uses) {
      if (seen.put(d.datasetId() + "/" + d.split(), d.split()) == null) {
        a.addObject().put("id", d.datasetId()).put("split", d.split());
      }
    }
  }

  private static void network(ObjectNode spec, String field, String name, int width, int depth) {
    spec.putObject(field).put("name", name).put("baseWidth", width).put("depth", depth);
  }
}
