package io.distillery.trainer.service;

import io.distillery.segml.networks.NetworkSpec;
import io.distillery.segml.networks.UpsamplingMode;
import io.distillery.trainer.InvalidJobSpecException;
import io.distillery.trainer.JobSpec;
import io.distillery.trainer.Method;
import io.distillery.trainer.config.TrainerConfig;
import io.distillery.trainer.training.TrainingStepMemory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Refuses a job spec whose training step (the trained networks as {@link JobRunner} builds them,
 * the patch and the batch) is estimated by {@link TrainingStepMemory} to need more native memory
 * than {@code distillery.trainer.max-step-memory-bytes}, before the job is queued; the reason gives
 * the estimate and the limit. The frozen online teacher of {@code mskd} is not counted (its
 * architecture is read from its model card when the job starts).
 */
@ApplicationScoped
public class StepMemoryCheck {

  /** Native memory kept for libtorch itself and the JVM outside its heap [our choice]. */
  static final long NATIVE_BASE_BYTES = 1L << 30;

  @Inject TrainerConfig config;

  /**
   * @throws InvalidJobSpecException when the estimate exceeds the limit
   */
  public void check(JobSpec spec) {
    long limit = limitBytes();
    List<String> parts = new ArrayList<>();
    long needed = 0;
    for (Trained t : trained(spec)) {
      needed +=
          TrainingStepMemory.trainedBytes(t.network(), spec.budget().patchSize(), t.samples());
      parts.add(
          String.format(
              Locale.ROOT,
              "%s baseWidth %d depth %d, %,d parameters, %d patches of %dx%dx%d per step",
              t.network().type(),
              t.network().baseWidth(),
              t.network().depth(),
              TrainingStepMemory.parameters(t.network()),
              t.samples(),
              spec.budget().patchSize()[0],
              spec.budget().patchSize()[1],
              spec.budget().patchSize()[2]));
    }
    if (needed > limit) {
      throw new InvalidJobSpecException(
          List.of(
              String.format(
                  Locale.ROOT,
                  "the training step is estimated to need %,d MiB of memory (%s) and this instance"
                      + " allows %,d MiB (%s): use a smaller budget.patchSize, budget.batchSize,"
                      + " network.baseWidth or network.depth",
                  needed >> 20,
                  String.join("; ", parts),
                  limit >> 20,
                  limitSource())));
    }
  }

  /** The configured limit, or the machine's memory less the heap and the native base per job. */
  public long limitBytes() {
    return config
        .trainer()
        .maxStepMemoryBytes()
        .orElseGet(
            () ->
                defaultLimit(
                    physicalMemory(),
                    Runtime.getRuntime().maxMemory(),
                    config.trainer().maxConcurrentJobs()));
  }

  static long defaultLimit(long physicalBytes, long maxHeapBytes, int concurrentJobs) {
    return Math.max(0, physicalBytes - maxHeapBytes - NATIVE_BASE_BYTES)
        / Math.max(1, concurrentJobs);
  }

  private String limitSource() {
    if (config.trainer().maxStepMemoryBytes().isPresent()) {
      return "distillery.trainer.max-step-memory-bytes";
    }
    return String.format(
        Locale.ROOT,
        "distillery.trainer.max-step-memory-bytes unset: physical memory %,d MiB less the %,d MiB"
            + " heap and %,d MiB for libtorch, over %d concurrent job(s)",
        physicalMemory() >> 20,
        Runtime.getRuntime().maxMemory() >> 20,
        NATIVE_BASE_BYTES >> 20,
        config.trainer().maxConcurrentJobs());
  }

  private static long physicalMemory() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getTotalMemorySize();
  }

  /** A network trained by the job and the patches it sees per step. */
  record Trained(NetworkSpec network, int samples) {}

  /** The networks {@link JobRunner} trains for {@code spec}, as it builds them. */
  static List<Trained> trained(JobSpec spec) {
    int classes = spec.classes().size();
    int batch = spec.budget().batchSize();
    Method method = spec.method();
    return switch (method) {
      case SUPERVISED, MULTI_BINARY_TEACHERS, KD ->
          List.of(new Trained(JobRunner.deeplySupervisedNetwork(spec), batch));
      case CROSS_TEACHING_OFFLINE, STRUCTURED_KD ->
          List.of(new Trained(JobRunner.network(spec.network(), classes, 1, null), batch));
      // One CT and one MR batch per step through the same network.
      case UNPAIRED_CT_MR ->
          List.of(
              new Trained(
                  JobRunner.network(
                      spec.network(), classes, spec.hyper("sharedNorms") != 0 ? 1 : 2, null),
                  2 * batch));
      // A labelled and an unlabelled batch per step through each of the three networks.
      case CROSS_TEACHING_ONLINE ->
          List.of(
              new Trained(JobRunner.network(spec.network(), classes, 1, null), 2 * batch),
              new Trained(
                  JobRunner.network(
                      spec.teacherNetwork(), classes, 1, UpsamplingMode.TRANSPOSED_CONV),
                  2 * batch),
              new Trained(
                  JobRunner.network(spec.teacherNetwork(), classes, 1, UpsamplingMode.TRILINEAR),
                  2 * batch));
    };
  }
}
