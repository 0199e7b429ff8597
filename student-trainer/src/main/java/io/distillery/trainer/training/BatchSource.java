package io.distillery.trainer.training;

import io.distillery.segml.transforms.Augmentation;
import io.distillery.segml.transforms.ChannelBlock;
import io.distillery.segml.transforms.LateralMirror;
import io.distillery.segml.transforms.Patch;
import io.distillery.segml.transforms.PatchSampler;
import io.distillery.segml.transforms.PrefetchingSampler;
import io.distillery.segml.transforms.TrainingCase;
import java.util.ArrayList;
import java.util.List;

/**
 * Patches for training steps, one deterministic stream per {@link SampleGroup}, each produced on a
 * background thread ({@link PrefetchingSampler}) so that sampling overlaps the step's compute. Soft
 * labels travel as extra image channels (channel 0 the image, 1..S the probabilities, then the
 * teacher feature maps of MS-KD's feature-wise term, already on the training grid), so crops, flips
 * and padding apply to all of them identically and every patch's feature crop is the one of its
 * image crop; intensity augmentation is therefore off when soft labels are present. The sampler
 * reads the {@link PreparedCase} arrays in place (feature maps as fp16, converted to float in the
 * patch), so no second copy of the training set is made.
 *
 * <p>Resumable: the stream of group g is a {@link PatchSampler} seeded with {@code seed + 7919·g};
 * a resumed job replays the number of patches each group had delivered. Time spent waiting in
 * {@link #take} is accumulated for the data-wait fraction.
 */
public final class BatchSource implements AutoCloseable {
  private static final int PREFETCH = 4;

  private final List<SampleGroup> groups;
  private final int[] softChannels;
  private final int[][] featureChannels;
  private final List<PrefetchingSampler> samplers = new ArrayList<>();
  private final long[] consumed;
  private long waitNanos;

  /**
   * @param groups sample groups
   * @param patchSize D, H, W
   * @param foregroundFraction fraction of foreground-centred patches
   * @param flipProbability probability of a flip along each axis (0: none)
   * @param seed job seed
   * @param alreadyConsumed patches each group delivered before a resume (null: fresh start)
   */
  public BatchSource(
      List<SampleGroup> groups,
      int[] patchSize,
      double foregroundFraction,
      double flipProbability,
      long seed,
      long[] alreadyConsumed) {
    this(groups, patchSize, foregroundFraction, flipProbability, seed, alreadyConsumed, List.of());
  }

  /**
   * As above, for the job's classes (background first): a left–right flip swaps the labels of
   * paired classes (right_kidney ↔ left_kidney), and never happens on groups whose soft labels or
   * feature maps would need their channels swapped ({@link LateralMirror}).
   */
  public BatchSource(
      List<SampleGroup> groups,
      int[] patchSize,
      double foregroundFraction,
      double flipProbability,
      long seed,
      long[] alreadyConsumed,
      List<String> classes) {
    this(
        groups,
        patchSize,
        foregroundFraction,
        flipProbability,
        seed,
        alreadyConsumed,
        classes,
        false);
  }

  /**
   * As above; with {@code centreOnPseudoLabels} foreground patches are centred on the cases' labels
   * completed by their teachers ({@link PseudoLabels#ofCase}), so that a single-organ dataset's
   * patches are also centred on the other organs (for objectives that train on pseudo-labels).
   */
  public BatchSource(
      List<SampleGroup> groups,
      int[] patchSize,
      double foregroundFraction,
      double flipProbability,
      long seed,
      long[] alreadyConsumed,
      List<String> classes,
      boolean centreOnPseudoLabels) {
    LateralMirror lateral = LateralMirror.of(classes);
    this.groups = List.copyOf(groups);
    this.consumed = new long[groups.size()];
    this.softChannels = new int[groups.size()];
    this.featureChannels = new int[groups.size()][];
    for (int g = 0; g < groups.size(); g++) {
      SampleGroup group = groups.get(g);
      PreparedCase first = group.cases().get(0);
      softChannels[g] = first.softLabels() == null ? 0 : first.softChannels();
      featureChannels[g] = first.teacherFeatures() == null ? new int[0] : first.featureChannels();
      for (PreparedCase c : group.cases()) {
        int soft = c.softLabels() == null ? 0 : c.softChannels();
        int[] features = c.teacherFeatures() == null ? new int[0] : c.featureChannels();
        if (soft != softChannels[g] || !java.util.Arrays.equals(features, featureChannels[g])) {
          throw new TrainingException(
              "cases of group " + group.name() + " differ in soft-label or feature channels");
        }
      }
      // Flips only with soft labels or feature maps (intensity changes would corrupt them) [our
      // choice].
      Augmentation augmentation =
          (softChannels[g] > 0 || featureChannels[g].length > 0
                  ? Augmentation.none()
                  : Augmentation.light())
              .withFlipProbability(flipProbability);
      List<TrainingCase> cases = new ArrayList<>();
      for (PreparedCase c : group.cases()) {
        cases.add(
            toTrainingCase(
                c, centreOnPseudoLabels ? PseudoLabels.ofCase(c, classes.size()) : c.labels()));
      }
      boolean channelsCarryClasses = softChannels[g] > 0 || featureChannels[g].length > 0;
      PatchSampler sampler =
          new PatchSampler(
              cases,
              patchSize,
              foregroundFraction,
              augmentation,
              seed + 7919L * g,
              channelsCarryClasses ? lateral.forbidding() : lateral);
      long skip = alreadyConsumed == null ? 0 : alreadyConsumed[g];
      for (long i = 0; i < skip; i++) {
        sampler.next();
      }
      consumed[g] = skip;
      samplers.add(new PrefetchingSampler(sampler, PREFETCH));
    }
  }

  /**
   * The case's own arrays as the sampler's channel blocks (image, soft labels, fp16 feature maps),
   * so the training set exists once: nothing is packed into a second array.
   */
  private static TrainingCase toTrainingCase(PreparedCase c, short[] samplingLabels) {
    List<ChannelBlock> blocks = new ArrayList<>(3);
    blocks.add(ChannelBlock.floats(c.image(), 1));
    if (c.softLabels() != null) {
      blocks.add(ChannelBlock.floats(c.softLabels(), c.softChannels()));
    }
    if (c.teacherFeatures() != null) {
      blocks.add(ChannelBlock.halves(c.teacherFeatures(), c.featureChannelCount()));
    }
    return new TrainingCase(blocks, c.labels(), c.shape(), samplingLabels);
  }

  /** Soft-label channels S of group {@code g}'s patches (0: none). */
  public int softChannels(int g) {
    return softChannels[g];
  }

  /** Channels of each teacher feature map in group {@code g}'s patches (empty: none). */
  public int[] featureChannels(int g) {
    return featureChannels[g].clone();
  }

  /** The groups, in stream order. */
  public List<SampleGroup> groups() {
    return groups;
  }

  /** The next patch of group {@code g}. */
  public Patch take(int g) {
    long start = System.nanoTime();
    try {
      Patch patch = samplers.get(g).take();
      consumed[g]++;
      return patch;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TrainingException("interrupted while waiting for data", e);
    } finally {
      waitNanos += System.nanoTime() - start;
    }
  }

  /** Patches delivered per group (for checkpoints). */
  public long[] consumed() {
    return consumed.clone();
  }

  /** Total nanoseconds spent waiting in {@link #take}. */
  public long waitNanos() {
    return waitNanos;
  }

  @Override
  public void close() {
    for (PrefetchingSampler s : samplers) {
      try {
        s.close();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
