package io.distillery.trainer.service;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.distillery.contracts.ObjectKeys;
import io.distillery.contracts.ObjectRef;
import io.distillery.contracts.VersionOrder;
import io.distillery.contracts.events.StudentModelPublished;
import io.distillery.contracts.events.TeacherModelPublished;
import io.distillery.contracts.events.TeacherOutputsProduced;
import io.distillery.contracts.events.VolumeIngested;
import io.distillery.objectstore.ObjectStore;
import io.distillery.objectstore.ObjectSummary;
import io.distillery.objectstore.StoredObject;
import io.distillery.segml.checkpoint.Checkpoint;
import io.distillery.segml.checkpoint.IntensityNormalization;
import io.distillery.segml.checkpoint.ModelCard;
import io.distillery.segml.checkpoint.PostprocessingSpec;
import io.distillery.segml.checkpoint.PreprocessingSpec;
import io.distillery.segml.distillation.CrossTeachingLoss;
import io.distillery.segml.distillation.MskdLoss;
import io.distillery.segml.distillation.RampUp;
import io.distillery.segml.distillation.UnpairedCtMrLoss;
import io.distillery.segml.export.OnnxExporter;
import io.distillery.segml.networks.LiteUNet3d;
import io.distillery.segml.networks.NetworkSpec;
import io.distillery.segml.networks.SegmentationNetwork;
import io.distillery.segml.networks.UpsamplingMode;
import io.distillery.segml.networks.blocks.ActivationKind;
import io.distillery.servicekit.EventPublisher;
import io.distillery.servicekit.S3Config;
import io.distillery.trainer.JobSpec;
import io.distillery.trainer.JobSpec.DataSelection;
import io.distillery.trainer.JobSpec.NetworkConfig;
import io.distillery.trainer.JobSpec.TeacherRef;
import io.distillery.trainer.JobSpecParser;
import io.distillery.trainer.JobState;
import io.distillery.trainer.JobStatus;
import io.distillery.trainer.Method;
import io.distillery.trainer.config.TrainerConfig;
import io.distillery.trainer.messaging.CatalogReader;
import io.distillery.trainer.training.BatchSource;
import io.distillery.trainer.training.CaseLoader;
import io.distillery.trainer.training.DataIndex;
import io.distillery.trainer.training.Evaluator;
import io.distillery.trainer.training.KdTargets;
import io.distillery.trainer.training.Objective;
import io.distillery.trainer.training.Objectives;
import io.distillery.trainer.training.PreparedCase;
import io.distillery.trainer.training.SampleGroup;
import io.distillery.trainer.training.SharedNorms;
import io.distillery.trainer.training.SoftLabelMode;
import io.distillery.trainer.training.Trainer;
import io.distillery.trainer.training.TrainingException;
import io.distillery.trainer.training.TrainingGrid;
import io.distillery.trainer.training.TrainingListener;
import io.distillery.trainer.training.TrainingSetMemory;
import io.distillery.trainer.training.TrainingSnapshot;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jboss.logging.Logger;

/**
 * Runs one job end to end: resolves its data from the catalogue (or, on resume, from the manifest
 * fixed at first start), loads volumes in background threads while the networks are built, trains
 * (resuming from the newest checkpoint), evaluates on the validation split, exports params + ONNX +
 * model card and publishes {@code StudentModelPublished} or {@code TeacherModelPublished}.
 */
@ApplicationScoped
public class JobRunner {
  private static final Logger LOG = Logger.getLogger(JobRunner.class);

  @Inject ObjectStore store;
  @Inject TrainerConfig config;
  @Inject S3Config s3Config;
  @Inject JobStore jobs;
  @Inject CatalogReader catalog;
  @Inject EventPublisher publisher;

  /** Runs {@code spec}; throws on failure or cancellation. */
  public void run(JobSpec spec, JobContext context) {
    JobStatus status = context.update(s -> s, false);
    DataIndex index = catalog.read();
    Map<String, List<String>> manifest = status.dataManifest();
    Map<String, String> teacherVersions = teacherVersions(spec, index);
    if (manifest.isEmpty()) {
      manifest = resolveManifest(spec, index, teacherVersions);
      Map<String, List<String>> fixed = manifest;
      context.update(s -> s.withManifest(fixed), false);
    }
    // kd: refused here, before any volume is read, when a class is stored by none of the teachers.
    SoftLabelMode mode =
        spec.method() == Method.KD
            ? kdSoftLabelMode(spec, index, teacherVersions, manifest)
            : softLabelMode(spec.method());
    List<PlannedCase> plan = plan(spec, index, teacherVersions, manifest, mode);
    MemoryPlan memory =
        withinMemory(spec, plan, featureChannels(spec, index, teacherVersions, manifest));
    int[] featureChannels = memory.featureChannels();
    CaseLoader loader =
        new CaseLoader(store, spec.classes(), spec.budget().spacingMm(), ctNormalisation(spec));
    ExecutorService io =
        Executors.newFixedThreadPool(
            config.trainer().loaderThreads(),
            r -> {
              Thread t = new Thread(r, "case-loader-" + spec.jobId());
              t.setDaemon(true);
              return t;
            });
    boolean withFeatures = featureChannels.length > 0;
    try (NDManager manager = NDManager.newBaseManager()) {
      // Volumes stream in while the networks are built and the checkpoint is read.
      Map<String, List<Future<PreparedCase>>> pending = new LinkedHashMap<>();
      manifest.keySet().forEach(group -> pending.put(group, new ArrayList<>()));
      for (PlannedCase p : plan) {
        boolean f = withFeatures && p.training();
        pending
            .get(p.group())
            .add(io.submit(() -> loader.load(p.volume(), p.outputs(), p.mode(), f)));
      }
      Engine.getInstance().setRandomSeed((int) spec.seed());
      Objective objective =
          buildObjective(spec, manager, teacherVersions, manifest, featureChannels);
      Trainer trainer =
          new Trainer(
              objective,
              manager,
              (float) spec.hyper("learningRate"),
              spec.hyper("polyPower"),
              (float) spec.hyper("weightDecay"),
              Math.round(spec.hyper("warmupSteps")));
      long start = 0;
      long[] consumed = null;
      if (status.lastCheckpointStep() > 0) {
        TrainingSnapshot snapshot = jobs.readCheckpoint(spec.jobId(), status.lastCheckpointStep());
        trainer.restore(snapshot);
        start = snapshot.step();
        consumed = snapshot.consumed();
        LOG.infof("job %s resumes from the checkpoint of step %d", spec.jobId(), start);
      }
      List<SampleGroup> groups = new ArrayList<>();
      Map<String, List<PreparedCase>> validation = new LinkedHashMap<>();
      int normSet = 0;
      long held = 0;
      for (Map.Entry<String, List<Future<PreparedCase>>> e : pending.entrySet()) {
        List<PreparedCase> cases = new ArrayList<>();
        for (Future<PreparedCase> f : e.getValue()) {
          PreparedCase c = await(f);
          held += c.heapBytes();
          cases.add(c);
        }
        if (e.getKey().startsWith("validation")) {
          validation.put(e.getKey(), cases);
          continue;
        }
        int set = spec.method() == Method.UNPAIRED_CT_MR && e.getKey().startsWith("MR") ? 1 : 0;
        groups.add(new SampleGroup(e.getKey(), cases, labelledUnion(cases), set));
        normSet = Math.max(normSet, set);
      }
      LOG.infof(
          "job %s: %d cases loaded; their arrays hold %d KiB of heap (estimated %d KiB, plus the"
              + " %d MiB margin)",
          spec.jobId(),
          plan.size(),
          held >> 10,
          (memory.estimatedBytes() - TrainingSetMemory.MARGIN_BYTES) >> 10,
          TrainingSetMemory.MARGIN_BYTES >> 20);
      context.update(s -> s.withState(JobState.RUNNING, null), true);
      try (BatchSource source =
          new BatchSource(
              groups,
              spec.budget().patchSize(),
              spec.hyper("foregroundFraction"),
              spec.hyper("flipProbability"),
              spec.seed(),
              consumed,
              spec.classes(),
              spec.hyperParameters().getOrDefault("pseudoLabels", 0.0) != 0)) {
        // A timed job's planned total lives in its status (stored), so a resume keeps it.
        boolean planned = spec.budget().timed() && start >= Trainer.CALIBRATION_STEPS;
        trainer.run(
            source,
            start,
            planned ? status.totalSteps() : spec.budget().steps(),
            spec.budget().stepsPerEpoch(),
            spec.budget().progressEvery(),
            spec.budget().checkpointEvery(),
            spec.budget().timed() && !planned ? spec.budget().minutes() * 60 : 0,
            listener(spec, context));
      } finally {
        trainer.close();
      }
      SegmentationNetwork published = objective.networks().get(0);
      if (published.spec().normSets() < objective.modalities().size()) {
        // unpaired-ct-mr with sharedNorms: published with one (identical) norm set per modality.
        published = SharedNorms.perModality(published, objective.modalities().size(), manager);
      }
      Map<String, Double> metrics = validate(spec, published, validation);
      Map<String, String> files = new LinkedHashMap<>();
      // cross-teaching-online's T1 and T2 (networks 1 and 2) go out first, so that the student's
      // event is the job's last; their validation scores stay in their own model cards.
      for (int t = 0; t < spec.publishTeachers().size(); t++) {
        String id = spec.publishTeachers().get(t);
        SegmentationNetwork net = objective.networks().get(1 + t);
        export(spec, net, id, true, validate(spec, net, validation))
            .forEach((role, key) -> files.put(id + "/" + role, key));
      }
      files.putAll(
          export(spec, published, spec.modelName(), spec.method().producesTeacher(), metrics));
      context.update(s -> s.withResult(metrics, files), false);
    } finally {
      io.shutdownNow();
    }
  }

  /** Validation metrics of {@code network} (unpaired-ct-mr: per modality, prefixed CT/ or MR/). */
  private static Map<String, Double> validate(
      JobSpec spec, SegmentationNetwork network, Map<String, List<PreparedCase>> validation) {
    Map<String, Double> metrics = new LinkedHashMap<>();
    for (Map.Entry<String, List<PreparedCase>> e : validation.entrySet()) {
      boolean mr = e.getKey().endsWith("MR");
      metrics.putAll(
          Evaluator.evaluate(
              network,
              spec.method() == Method.UNPAIRED_CT_MR && mr ? 1 : 0,
              e.getValue(),
              spec.budget().patchSize(),
              spec.hyper("validationOverlap"),
              spec.classes(),
              spec.method() == Method.UNPAIRED_CT_MR ? (mr ? "MR/" : "CT/") : ""));
    }
    return metrics;
  }

  private TrainingListener listener(JobSpec spec, JobContext context) {
    return new TrainingListener() {
      @Override
      public void progress(
          long step, int epoch, Map<String, Double> losses, double stepSeconds, double wait) {
        context.update(s -> s.withProgress(step, epoch, losses, wait, stepSeconds), true);
      }

      @Override
      public void planned(long totalSteps, double stepSeconds) {
        context.update(s -> s.withTotalSteps(totalSteps), true);
        LOG.infof(
            "job %s: %.1f min planned as %d steps at %.3f s per step (measured)",
            spec.jobId(), spec.budget().minutes(), totalSteps, stepSeconds);
      }

      @Override
      public void checkpoint(TrainingSnapshot snapshot) {
        jobs.saveCheckpoint(spec.jobId(), snapshot);
        context.update(s -> s.withCheckpoint(snapshot.step()), false);
        LOG.infof("job %s: checkpoint at step %d", spec.jobId(), snapshot.step());
      }

      @Override
      public boolean cancelled() {
        return context.cancelled();
      }
    };
  }

  static SoftLabelMode softLabelMode(Method method) {
    return switch (method) {
      case KD, CROSS_TEACHING_OFFLINE -> SoftLabelMode.ALL_CLASSES;
      case MULTI_BINARY_TEACHERS -> SoftLabelMode.FOREGROUND_PER_ORGAN;
      default -> SoftLabelMode.NONE;
    };
  }

  /**
   * kd: how the teachers' stored probabilities become the target ({@link KdTargets#mode}), checked
   * on every training volume of the manifest: one teacher storing every job class is used as stored
   * (vanilla KD as before), anything else is combined per voxel ({@link KdTargets}). A foreground
   * class that none of the teachers stores for some volume fails the job here, before training,
   * with the classes and each teacher's stored channels.
   */
  static SoftLabelMode kdSoftLabelMode(
      JobSpec spec,
      DataIndex index,
      Map<String, String> teacherVersions,
      Map<String, List<String>> manifest) {
    SoftLabelMode mode = SoftLabelMode.ALL_CLASSES;
    for (Map.Entry<String, List<String>> group : manifest.entrySet()) {
      if (group.getKey().startsWith("validation")) {
        continue;
      }
      for (String volumeId : group.getValue()) {
        Map<String, List<String>> channels = new LinkedHashMap<>();
        for (TeacherOutputsProduced o : outputs(spec, index, teacherVersions, volumeId)) {
          channels.put(o.teacherId() + "@" + o.teacherVersion(), o.channels());
        }
        SoftLabelMode m;
        try {
          m = KdTargets.mode(spec.classes(), channels);
        } catch (TrainingException e) {
          throw new TrainingException(e.getMessage() + " (volume " + volumeId + ")");
        }
        if (m == SoftLabelMode.TEACHERS_COMBINED) {
          mode = m;
        }
      }
    }
    if (mode == SoftLabelMode.TEACHERS_COMBINED) {
      LOG.infof(
          "job %s: kd combines the stored soft labels of %s per voxel (foreground: the covering"
              + " teacher's probability, mean if several; background: product of the teachers';"
              + " renormalised)",
          spec.jobId(), teacherVersions);
    }
    return mode;
  }

  /** Group name → volume ids; validation groups start with "validation". */
  Map<String, List<String>> resolveManifest(
      JobSpec spec, DataIndex index, Map<String, String> teacherVersions) {
    Map<String, List<String>> manifest = new LinkedHashMap<>();
    boolean needsOutputs = softLabelMode(spec.method()) != SoftLabelMode.NONE;
    List<VolumeIngested> train = select(index, spec.datasets());
    if (spec.method() == Method.UNPAIRED_CT_MR) {
      manifest.put("CT", ids(train.stream().filter(v -> "CT".equals(v.modality())).toList()));
      manifest.put("MR", ids(train.stream().filter(v -> "MR".equals(v.modality())).toList()));
    } else {
      for (DataSelection d : spec.datasets()) {
        List<VolumeIngested> vs = index.volumes(d.id(), d.split());
        if (needsOutputs) {
          vs =
              vs.stream()
                  .filter(v -> hasOutputs(spec, index, teacherVersions, v.volumeId()))
                  .toList();
        }
        manifest.put("train:" + d.id() + ":" + d.split(), ids(vs));
      }
      if (!spec.unlabelled().isEmpty()
          && (spec.method() == Method.CROSS_TEACHING_ONLINE || needsOutputs)) {
        List<VolumeIngested> pool = select(index, spec.unlabelled());
        if (needsOutputs) {
          pool =
              pool.stream()
                  .filter(v -> hasOutputs(spec, index, teacherVersions, v.volumeId()))
                  .toList();
        }
        manifest.put("unlabelled", ids(pool));
      }
    }
    for (Map.Entry<String, List<String>> e : manifest.entrySet()) {
      if (e.getValue().isEmpty()) {
        throw new TrainingException(
            "no usable volumes for group "
                + e.getKey()
                + (needsOutputs
                    ? " (volumes need outputs of every teacher " + teacherVersions + ")"
                    : "")
                + "; catalogue: "
                + index.summary());
      }
    }
    List<VolumeIngested> val = select(index, spec.validation());
    // Validation numbers must come from held-out volumes: a volume that is also trained on (the
    // same dataset and split in both lists, or a dataset reused under another id) is refused.
    java.util.Set<String> trained = new java.util.HashSet<>();
    manifest.values().forEach(trained::addAll);
    List<String> overlap =
        val.stream().map(VolumeIngested::volumeId).filter(trained::contains).distinct().toList();
    if (!overlap.isEmpty()) {
      throw new TrainingException(
          "validation volumes are also training volumes: "
              + overlap
              + "; validate on held-out volumes (score a training case with ./distillery eval"
              + " instead)");
    }
    if (spec.method() == Method.UNPAIRED_CT_MR) {
      putIfAny(
          manifest, "validation:CT", val.stream().filter(v -> "CT".equals(v.modality())).toList());
      putIfAny(
          manifest, "validation:MR", val.stream().filter(v -> "MR".equals(v.modality())).toList());
    } else {
      putIfAny(manifest, "validation", val);
    }
    return manifest;
  }

  private static void putIfAny(Map<String, List<String>> m, String key, List<VolumeIngested> vs) {
    if (!vs.isEmpty()) {
      m.put(key, ids(vs));
    }
  }

  private static List<VolumeIngested> select(DataIndex index, List<DataSelection> selections) {
    List<VolumeIngested> out = new ArrayList<>();
    for (DataSelection d : selections) {
      out.addAll(index.volumes(d.id(), d.split()));
    }
    return out;
  }

  private static List<String> ids(List<VolumeIngested> vs) {
    return vs.stream().map(VolumeIngested::volumeId).toList();
  }

  private static VolumeIngested volume(DataIndex index, String id) {
    return index
        .volume(id)
        .orElseThrow(
            () ->
                new TrainingException(
                    "volume " + id + " of the job's manifest is no longer in the catalogue"));
  }

  private Map<String, String> teacherVersions(JobSpec spec, DataIndex index) {
    Map<String, String> versions = new LinkedHashMap<>();
    for (TeacherRef t : spec.teachers()) {
      String version = t.version();
      if (version == null) {
        version =
            spec.method() == Method.STRUCTURED_KD
                ? latestStoredTeacher(t.id())
                : index
                    .latestVersion(t.id())
                    .orElseThrow(
                        () ->
                            new TrainingException("teacher " + t.id() + " has no stored outputs"));
      }
      versions.put(t.id(), version);
    }
    return versions;
  }

  private static boolean hasOutputs(
      JobSpec spec, DataIndex index, Map<String, String> versions, String volumeId) {
    return versions.entrySet().stream()
        .allMatch(e -> index.output(e.getKey(), e.getValue(), volumeId).isPresent());
  }

  private static List<TeacherOutputsProduced> outputs(
      JobSpec spec, DataIndex index, Map<String, String> versions, String volumeId) {
    if (softLabelMode(spec.method()) == SoftLabelMode.NONE) {
      return List.of();
    }
    List<TeacherOutputsProduced> out = new ArrayList<>();
    versions.forEach(
        (id, version) ->
            out.add(
                index
                    .output(id, version, volumeId)
                    .orElseThrow(
                        () ->
                            new TrainingException(
                                "teacher "
                                    + id
                                    + "@"
                                    + version
                                    + " has no outputs for "
                                    + volumeId))));
    return out;
  }

  private static int[] labelledUnion(List<PreparedCase> cases) {
    return cases.stream()
        .flatMapToInt(c -> java.util.Arrays.stream(c.labelledClasses()))
        .distinct()
        .sorted()
        .toArray();
  }

  /** One volume the job will load: its sample group, event, teacher outputs and soft labels. */
  private record PlannedCase(
      String group,
      VolumeIngested volume,
      List<TeacherOutputsProduced> outputs,
      SoftLabelMode mode,
      boolean training) {}

  /** Which teacher feature maps the job loads, and the training set's estimated heap. */
  private record MemoryPlan(int[] featureChannels, long estimatedBytes) {}

  private static final String LOGIT_ONLY = "job %s: ms-kd trains the logit-wise term only (%s)";

  /** Every volume of the manifest with what it is loaded with, in manifest order. */
  private List<PlannedCase> plan(
      JobSpec spec,
      DataIndex index,
      Map<String, String> teacherVersions,
      Map<String, List<String>> manifest,
      SoftLabelMode mode) {
    List<PlannedCase> plan = new ArrayList<>();
    manifest.forEach(
        (group, ids) -> {
          boolean validation = group.startsWith("validation");
          for (String id : ids) {
            List<TeacherOutputsProduced> outputs =
                validation
                        || group.startsWith("unlabelled")
                            && spec.method() == Method.CROSS_TEACHING_ONLINE
                    ? List.of()
                    : outputs(spec, index, teacherVersions, id);
            plan.add(
                new PlannedCase(
                    group,
                    volume(index, id),
                    outputs,
                    validation ? SoftLabelMode.NONE : mode,
                    !validation));
          }
        });
    return plan;
  }

  /**
   * The job's one memory check, made before any volume is read: the training set (every planned
   * volume on its {@link TrainingGrid}, validation included) is estimated with {@link
   * TrainingSetMemory}. With ms-kd feature maps ({@code featureChannels} non-empty) that would not
   * fit, the job logs why and trains the logit-wise term only; a set that does not fit even so is
   * refused.
   *
   * @throws TrainingException if the set without feature maps exceeds the usable heap
   */
  private MemoryPlan withinMemory(JobSpec spec, List<PlannedCase> plan, int[] featureChannels) {
    int classes = spec.classes().size();
    int features = java.util.Arrays.stream(featureChannels).sum();
    long base = TrainingSetMemory.MARGIN_BYTES;
    long featureBytes = 0;
    for (PlannedCase p : plan) {
      long voxels = TrainingGrid.of(p.volume(), spec.budget().spacingMm()).size();
      base += TrainingSetMemory.caseBytes(voxels, CaseLoader.softChannels(p.mode(), classes), 0);
      if (p.training()) {
        featureBytes += TrainingSetMemory.featureBytes(voxels, features);
      }
    }
    long heap = Runtime.getRuntime().maxMemory();
    if (features > 0 && base + featureBytes > TrainingSetMemory.usable(heap)) {
      LOG.infof(
          LOGIT_ONLY,
          spec.jobId(),
          String.format(
              java.util.Locale.ROOT,
              "the teachers' feature maps need about %d MiB of heap on the training grid (fp16) on"
                  + " top of %d MiB for the rest of the training set, and this instance allows %d"
                  + " MiB for the training set (half of -Xmx %d MiB)",
              featureBytes >> 20,
              base >> 20,
              TrainingSetMemory.usable(heap) >> 20,
              heap >> 20));
      featureChannels = new int[0];
      featureBytes = 0;
    } else if (features > 0) {
      LOG.infof(
          "job %s: ms-kd trains the logit-wise and feature-wise terms (featureWeight %s, teacher"
              + " feature channels %s)",
          spec.jobId(), spec.hyper("featureWeight"), java.util.Arrays.toString(featureChannels));
    }
    TrainingSetMemory.require(base + featureBytes, plan.size(), heap);
    return new MemoryPlan(featureChannels, base + featureBytes);
  }

  /**
   * ms-kd: the channel count of each teacher's stored feature map (teachers in job order) when
   * MS-KD's feature-wise term can be used: {@code featureWeight} > 0, the student has a decoder
   * stage and every teacher output of every training volume describes a feature map (of one channel
   * count per teacher). Otherwise empty, and the job logs why it trains the logit-wise term only;
   * whether the maps fit in the heap is decided by {@link #withinMemory}.
   */
  int[] featureChannels(
      JobSpec spec,
      DataIndex index,
      Map<String, String> teacherVersions,
      Map<String, List<String>> manifest) {
    if (spec.method() != Method.MULTI_BINARY_TEACHERS) {
      return new int[0];
    }
    if (!(spec.hyper("featureWeight") > 0)) {
      LOG.infof(LOGIT_ONLY, spec.jobId(), "featureWeight is 0");
      return new int[0];
    }
    if (spec.network().depth() < 2) {
      LOG.infof(LOGIT_ONLY, spec.jobId(), "the student has no decoder stage to tap (depth 1)");
      return new int[0];
    }
    int[] channels = new int[teacherVersions.size()];
    int k = 0;
    for (Map.Entry<String, String> t : teacherVersions.entrySet()) {
      for (Map.Entry<String, List<String>> group : manifest.entrySet()) {
        if (group.getKey().startsWith("validation")) {
          continue;
        }
        for (String volumeId : group.getValue()) {
          TeacherOutputsProduced o = index.output(t.getKey(), t.getValue(), volumeId).orElse(null);
          if (o == null || o.features() == null || o.featureMap() == null) {
            LOG.infof(
                LOGIT_ONLY,
                spec.jobId(),
                "teacher "
                    + t.getKey()
                    + "@"
                    + t.getValue()
                    + " stored no feature map for "
                    + volumeId);
            return new int[0];
          }
          int c = o.featureMap().channels();
          if (channels[k] != 0 && channels[k] != c) {
            throw new TrainingException(
                "teacher "
                    + t.getKey()
                    + "@"
                    + t.getValue()
                    + " stored feature maps of "
                    + channels[k]
                    + " and "
                    + c
                    + " channels");
          }
          channels[k] = c;
        }
      }
      k++;
    }
    return channels;
  }

  private Objective buildObjective(
      JobSpec spec,
      NDManager manager,
      Map<String, String> teacherVersions,
      Map<String, List<String>> manifest,
      int[] featureChannels) {
    int classes = spec.classes().size();
    int batch = spec.budget().batchSize();
    int trainGroups =
        (int) manifest.keySet().stream().filter(k -> !k.startsWith("validation")).count();
    return switch (spec.method()) {
      case SUPERVISED ->
          Objectives.supervised(
              init(manager, deeplySupervisedNetwork(spec)),
              batch,
              trainGroups,
              spec.hyper("batchDice") != 0,
              spec.classes());
      case MULTI_BINARY_TEACHERS ->
          Objectives.msKd(
              init(manager, deeplySupervisedNetwork(spec)),
              batch,
              trainGroups,
              spec::hyper,
              manager,
              featureChannels,
              spec.classes());
      case KD ->
          Objectives.storedSoftLabels(
              init(manager, deeplySupervisedNetwork(spec)),
              spec.method(),
              batch,
              trainGroups,
              spec::hyper,
              spec.classes());
      case CROSS_TEACHING_OFFLINE ->
          Objectives.storedSoftLabels(
              init(manager, network(spec.network(), classes, 1, null)),
              spec.method(),
              batch,
              trainGroups,
              spec::hyper,
              spec.classes());
      case STRUCTURED_KD -> {
        TeacherRef t = spec.teachers().get(0);
        SegmentationNetwork teacher =
            loadTeacher(t.id(), teacherVersions.get(t.id()), manager, spec);
        yield Objectives.mskd(
            init(manager, network(spec.network(), classes, 1, null)),
            teacher,
            new MskdLoss(
                (float) spec.hyper("temperature"),
                (float) spec.hyper("kdWeight"),
                (float) spec.hyper("ffdWeight"),
                (float) spec.hyper("rgdWeight")),
            batch,
            trainGroups);
      }
      case UNPAIRED_CT_MR ->
          Objectives.unpairedCtMr(
              init(
                  manager,
                  network(spec.network(), classes, spec.hyper("sharedNorms") != 0 ? 1 : 2, null)),
              new UnpairedCtMrLoss(
                  (float) spec.hyper("temperature"), (float) spec.hyper("kdWeight")),
              batch);
      case CROSS_TEACHING_ONLINE ->
          Objectives.crossTeachingOnline(
              init(manager, network(spec.network(), classes, 1, null)),
              init(
                  manager,
                  network(spec.teacherNetwork(), classes, 1, UpsamplingMode.TRANSPOSED_CONV)),
              init(manager, network(spec.teacherNetwork(), classes, 1, UpsamplingMode.TRILINEAR)),
              new CrossTeachingLoss(
                  (float) spec.hyper("consistencyWeight"),
                  (float) spec.hyper("distillationWeight"),
                  (float) spec.hyper("temperature"),
                  new RampUp(spec.hyper("rampUpEpochs"))),
              batch,
              trainGroups - 1);
    };
  }

  static NetworkSpec network(
      NetworkConfig c, int classes, int normSets, UpsamplingMode upsampling) {
    return network(c, classes, normSets, upsampling, false);
  }

  /**
   * The job's network with auxiliary deep-supervision heads when the job's {@code deepSupervision}
   * switch is on (supervised, KD and MS-KD jobs).
   */
  static NetworkSpec deeplySupervisedNetwork(JobSpec spec) {
    return network(
        spec.network(), spec.classes().size(), 1, null, spec.hyper("deepSupervision") != 0);
  }

  /**
   * As {@link #network(NetworkConfig, int, int, UpsamplingMode)}, with auxiliary deep-supervision
   * heads when {@code deepSupervision}.
   */
  static NetworkSpec network(
      NetworkConfig c,
      int classes,
      int normSets,
      UpsamplingMode upsampling,
      boolean deepSupervision) {
    boolean lite = LiteUNet3d.TYPE.equals(c.name());
    // Cross-teaching teachers are residual U-Nets with SE (Choi 2022); the others plain.
    boolean residual = upsampling != null;
    return new NetworkSpec(
        c.name(),
        1,
        classes,
        c.baseWidth(),
        c.depth(),
        upsampling != null
            ? upsampling
            : lite ? UpsamplingMode.TRILINEAR : UpsamplingMode.TRANSPOSED_CONV,
        residual,
        residual,
        normSets,
        deepSupervision && c.depth() > 2,
        ActivationKind.LEAKY_RELU,
        // LiteUNet3d sees the image through a dense first convolution (NetworkSpec#denseStem).
        lite && !residual);
  }

  private static SegmentationNetwork init(NDManager manager, NetworkSpec spec) {
    SegmentationNetwork net = spec.build();
    int m = net.sizeMultiple();
    net.initialize(manager, DataType.FLOAT32, new Shape(1, 1, m, m, m));
    return net;
  }

  private String latestStoredTeacher(String teacherId) {
    String prefix = ObjectKeys.teacherVersionsPrefix(teacherId);
    return store.list(s3Config.bucket(), prefix).stream()
        .map(ObjectSummary::key)
        .filter(k -> k.endsWith("/" + Checkpoint.CARD_FILE))
        .map(k -> k.substring(prefix.length(), k.indexOf('/', prefix.length())))
        .max(VersionOrder.INSTANCE)
        .orElseThrow(
            () ->
                new TrainingException(
                    "teacher " + teacherId + " has no stored model under " + prefix));
  }

  private SegmentationNetwork loadTeacher(
      String id, String version, NDManager manager, JobSpec spec) {
    try {
      Path dir = Files.createTempDirectory("teacher-" + id);
      for (String file : List.of(Checkpoint.CARD_FILE, Checkpoint.PARAMS_FILE)) {
        try (InputStream in =
            store.get(s3Config.bucket(), ObjectKeys.teacherFile(id, version, file), true)) {
          Files.copy(in, dir.resolve(file));
        }
      }
      Checkpoint.Loaded loaded = Checkpoint.load(dir, manager);
      if (!loaded.card().labelNames().equals(spec.classes())) {
        throw new TrainingException(
            "teacher "
                + id
                + "@"
                + version
                + " outputs "
                + loaded.card().labelNames()
                + ", the job's classes are "
                + spec.classes());
      }
      deleteTree(dir);
      return loaded.network();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot load teacher " + id + "@" + version, e);
    }
  }

  /** The job's CT normalisation, as training applies it and the model card records it. */
  private static IntensityNormalization ctNormalisation(JobSpec spec) {
    return new IntensityNormalization(
        "ct-window",
        spec.hyper("ctWindowLow"),
        spec.hyper("ctWindowHigh"),
        spec.hyper("ctMean"),
        spec.hyper("ctStd"));
  }

  /**
   * Exports {@code network} as {@code name} at the job's version (a teacher under {@code
   * teachers/}, with manifest and {@code TeacherModelPublished}, or a student) and publishes it;
   * returns the object keys by role.
   */
  private Map<String, String> export(
      JobSpec spec,
      SegmentationNetwork network,
      String name,
      boolean teacher,
      Map<String, Double> metrics) {
    List<String> modalities =
        spec.method() == Method.UNPAIRED_CT_MR ? List.of("CT", "MR") : List.of(spec.modality());
    Map<String, Object> hyper = new LinkedHashMap<>(spec.hyperParameters());
    JobSpecParser.SWITCHES.forEach(k -> hyper.computeIfPresent(k, (n, v) -> (Double) v != 0));
    hyper.put("method", spec.method().methodName());
    hyper.put("steps", spec.budget().steps());
    hyper.put("batchSize", spec.budget().batchSize());
    hyper.put("seed", spec.seed());
    if (!name.equals(spec.modelName())) {
      int t = spec.publishTeachers().indexOf(name);
      hyper.put("coTrainedAs", "T" + (t + 1) + " of job " + spec.jobId());
    }
    double[] xyz = spec.budget().spacingMm();
    IntensityNormalization intensity =
        "MR".equals(spec.modality())
            ? new IntensityNormalization("zscore", 0, 0, 0, 1)
            : ctNormalisation(spec);
    ModelCard card =
        new ModelCard(
            ModelCard.SCHEMA_VERSION,
            name,
            network.spec(),
            hyper,
            new PreprocessingSpec(
                "RAS",
                new double[] {xyz[2], xyz[1], xyz[0]},
                intensity,
                spec.budget().patchSize(),
                "sliding-window",
                spec.hyper("validationOverlap")),
            // Every model this trainer writes segments organs: record the organ post-processing.
            PostprocessingSpec.forOrgans(spec.classes()),
            spec.classes(),
            modalities,
            metrics,
            null);
    String bucket = s3Config.bucket();
    Map<String, ObjectRef> refs = new LinkedHashMap<>();
    Map<String, String> keys = new LinkedHashMap<>();
    try {
      Path dir = Files.createTempDirectory("export-" + spec.jobId());
      Checkpoint.save(network, card, dir);
      Map<String, Path> files = new LinkedHashMap<>();
      files.put("params", dir.resolve(Checkpoint.PARAMS_FILE));
      String tap = teacher ? teacherFeatureTap(network) : null;
      if (modalities.size() == 1) {
        files.put(
            "onnx",
            OnnxExporter.export(
                network, 0, tap == null ? List.of() : List.of(tap), dir.resolve("model.onnx")));
      } else {
        for (int i = 0; i < modalities.size(); i++) {
          String m = modalities.get(i);
          files.put(
              "onnx-" + m, OnnxExporter.export(network, i, dir.resolve("model-" + m + ".onnx")));
        }
      }
      files.put("modelCard", dir.resolve(Checkpoint.CARD_FILE));
      for (Map.Entry<String, Path> f : files.entrySet()) {
        String file = f.getValue().getFileName().toString();
        String key =
            teacher
                ? ObjectKeys.teacherFile(name, spec.modelVersion(), file)
                : ObjectKeys.modelFile(name, spec.modelVersion(), file);
        String type = file.endsWith(".json") ? "application/json" : "application/octet-stream";
        StoredObject stored = store.put(bucket, key, f.getValue(), type);
        refs.put(f.getKey(), ref(stored, type));
        keys.put(f.getKey(), key);
      }
      Map<String, String> labelNames = new LinkedHashMap<>();
      for (int i = 0; i < spec.classes().size(); i++) {
        labelNames.put(String.valueOf(i), spec.classes().get(i));
      }
      if (teacher) {
        // The declared tap is the ONNX output's name (feature.<tap>): the teacher-service refuses
        // a manifest whose featureTap is not an output of its model.
        String featureTap = tap == null ? null : OnnxExporter.featureOutput(tap);
        String manifestKey = ObjectKeys.teacherManifest(name, spec.modelVersion());
        StoredObject manifest =
            store.put(
                bucket,
                manifestKey,
                TeacherManifestWriter.teacherManifest(spec, name, files, intensity, featureTap),
                "application/json");
        keys.put("manifest", manifestKey);
        publisher.publish(
            new TeacherModelPublished(
                name,
                spec.modelVersion(),
                "djl",
                ref(manifest, "application/json"),
                refs,
                spec.modality(),
                spec.applyTo(),
                labelNames,
                featureTap,
                1.0,
                spec.jobId(),
                Instant.now()),
            null);
      } else {
        publisher.publish(
            new StudentModelPublished(
                name,
                spec.modelVersion(),
                spec.jobId(),
                spec.method().methodName(),
                refs,
                labelNames,
                metrics,
                Instant.now()),
            null);
      }
      deleteTree(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot export the model of job " + spec.jobId(), e);
    }
    return keys;
  }

  /**
   * The feature map a trainer-published teacher declares for MS-KD's feature-wise term: its last
   * decoder stage before the head, {@code decoder.<depth−2>} (stride 1) [our choice]. It is the
   * deepest map at the soft labels' own grid, which is what the teacher-service can stitch over
   * sliding windows (it refuses coarser outputs) and what the student taps at the same layer, so no
   * resampling is needed between teacher and student; a coarser tap would store fewer voxels but
   * cannot be produced by the teacher-service. Exported as the ONNX output {@code
   * feature.decoder.<depth−2>}. Null for depth 1 (no decoder stage): the teacher then declares no
   * feature map.
   */
  static String teacherFeatureTap(SegmentationNetwork network) {
    if (network.spec().depth() < 2) {
      return null;
    }
    String name = "decoder." + (network.spec().depth() - 2);
    return network.featureTaps().stream().anyMatch(t -> t.name().equals(name) && t.stride() == 1)
        ? name
        : null;
  }

  private static ObjectRef ref(StoredObject o, String type) {
    return new ObjectRef(o.bucket(), o.key(), o.sha256(), o.size(), type);
  }

  private static <T> T await(Future<T> f) {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TrainingException("interrupted while loading volumes", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      throw new TrainingException("loading a volume failed: " + cause, cause);
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
