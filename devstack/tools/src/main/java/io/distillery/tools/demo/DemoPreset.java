package io.distillery.tools.demo;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * How much work a demo run does: case counts, the training grid and patch, the networks and their
 * step budgets. The presets trade quality for time on a 2-core CPU; see devstack/tools/README.md
 * for what each one measured.
 *
 * @param name preset name ({@code tiny}, {@code quick}, {@code default})
 * @param syntheticCases phantoms per synthetic dataset (each organ set, the unlabelled pool and the
 *     validation set)
 * @param realCases cases per real organ dataset and of the unlabelled pool (0 = all); the
 *     validation set is always used whole
 * @param phantomGrid phantom voxels x, y, z
 * @param phantomSpacingMm phantom voxel size x, y, z in mm
 * @param spacingMm training (and teacher, student, inference) spacing x, y, z in mm
 * @param patch training patch and sliding window D, H, W in voxels
 * @param teacherNetwork teachers' network name, base width, depth
 * @param teacherSteps optimiser steps per teacher
 * @param studentNetwork student's network name, base width, depth
 * @param studentSteps optimiser steps of the MS-KD student
 * @param batchSize patches per step
 * @param jobTimeout longest wait for one training job's result
 * @param teacherMinutes wall-time budget of each teacher's training loop (0: {@code teacherSteps}
 *     is the budget; otherwise the trainer plans the steps from its measured step time, {@code
 *     teacherSteps} being their cap)
 * @param studentMinutes the same for the student
 */
public record DemoPreset(
    String name,
    int syntheticCases,
    int realCases,
    int[] phantomGrid,
    double[] phantomSpacingMm,
    double[] spacingMm,
    int[] patch,
    Network teacherNetwork,
    int teacherSteps,
    Network studentNetwork,
    int studentSteps,
    int batchSize,
    Duration jobTimeout,
    double teacherMinutes,
    double studentMinutes) {

  /**
   * A network of the student-trainer's job spec.
   *
   * @param name {@code UNet3d} or {@code LiteUNet3d}
   * @param baseWidth channels at full resolution
   * @param depth resolution levels
   */
  public record Network(String name, int baseWidth, int depth) {
    @Override
    public String toString() {
      return name + " w" + baseWidth + " d" + depth;
    }
  }

  /** Wall-time budget of each teacher of {@link #REAL_DEFAULT}, minutes. */
  static final double REAL_TEACHER_MINUTES = 8.5;

  /** Wall-time budget of the student of {@link #REAL_DEFAULT}, minutes. */
  static final double REAL_STUDENT_MINUTES = 15;

  /** The smallest preset, used by the end-to-end test: a few minutes with everything. */
  public static final DemoPreset TINY =
      new DemoPreset(
          "tiny",
          2,
          1,
          new int[] {64, 64, 40},
          new double[] {6, 6, 6.4},
          new double[] {6, 6, 6},
          new int[] {32, 32, 32},
          new Network("UNet3d", 8, 3),
          60,
          new Network("UNet3d", 8, 3),
          80,
          2,
          Duration.ofMinutes(10),
          0,
          0);

  /** {@code --quick}: under 5 minutes on the synthetic data. */
  public static final DemoPreset QUICK =
      new DemoPreset(
          "quick",
          3,
          2,
          new int[] {64, 64, 40},
          new double[] {6, 6, 6.4},
          new double[] {6, 6, 6},
          new int[] {32, 32, 32},
          new Network("UNet3d", 8, 3),
          100,
          new Network("UNet3d", 8, 3),
          150,
          2,
          Duration.ofMinutes(15),
          0,
          0);

  /** The default: under 15 minutes on the synthetic data. */
  public static final DemoPreset DEFAULT =
      new DemoPreset(
          "default",
          4,
          0,
          new int[] {96, 96, 64},
          new double[] {4, 4, 4},
          new double[] {4, 4, 4},
          new int[] {32, 32, 32},
          new Network("UNet3d", 8, 3),
          150,
          new Network("UNet3d", 8, 3),
          300,
          2,
          Duration.ofMinutes(40),
          0,
          0);

  /**
   * The default on the BTCV folders of {@code ../shared/data} (the training recipe's grid,
   * docs/quality.md): 3 mm, 64³ patches, four UNet3d w8 d4 teachers of {@value
   * #REAL_TEACHER_MINUTES} min each on their five cases, a UNet3d w8 d4 MS-KD student of {@value
   * #REAL_STUDENT_MINUTES} min (the trainer's MS-KD default Adam 2e-3; the depth-4 students of runs
   * S12 and S13 in docs/quality.md found their organs only from about 350 steps on, so it gets more
   * minutes than in D2). Run D3 of docs/demo-output.md: 54:52 wall, student mean Dice 0.628.
   */
  public static final DemoPreset REAL_DEFAULT =
      new DemoPreset(
          "default",
          4,
          0,
          new int[] {96, 96, 64},
          new double[] {4, 4, 4},
          new double[] {3, 3, 3},
          new int[] {64, 64, 64},
          new Network("UNet3d", 8, 4),
          5000,
          new Network("UNet3d", 8, 4),
          5000,
          2,
          Duration.ofMinutes(40),
          REAL_TEACHER_MINUTES,
          REAL_STUDENT_MINUTES);

  /**
   * {@code --quick} on the BTCV folders: 4 mm, 48³ patches, three cases per organ set, teachers of
   * 1.5 min and a depth-4 student of 2.5 min (depth 3 found no small organ in any run); under 15
   * minutes, at a quality well below the default's (what it reached is printed and in
   * docs/demo-output.md).
   */
  public static final DemoPreset REAL_QUICK =
      new DemoPreset(
          "quick",
          3,
          3,
          new int[] {64, 64, 40},
          new double[] {6, 6, 6.4},
          new double[] {4, 4, 4},
          new int[] {48, 48, 48},
          new Network("UNet3d", 8, 4),
          5000,
          new Network("UNet3d", 8, 4),
          5000,
          2,
          Duration.ofMinutes(15),
          1.5,
          2.5);

  /** The preset to run on the real BTCV folders in place of {@code this} synthetic one. */
  public DemoPreset forRealData() {
    return this == DEFAULT ? REAL_DEFAULT : this == QUICK ? REAL_QUICK : this;
  }

  /** Every preset, smallest first. */
  public static List<DemoPreset> all() {
    return List.of(TINY, QUICK, DEFAULT);
  }

  /** The preset named {@code name}. */
  public static DemoPreset named(String name) {
    return all().stream()
        .filter(p -> p.name.equals(name.toLowerCase(Locale.ROOT)))
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "unknown preset '" + name + "'; known: tiny, quick, default"));
  }

  /**
   * What the last measured run of this preset reached (docs/demo-output.md), printed before a run
   * starts so that nobody mistakes a short preset's numbers for the platform's quality; empty where
   * the preset has no measured run on its data.
   */
  public Optional<String> expectation() {
    if (this == REAL_DEFAULT) {
      return Optional.of(
          "expect (run D3, 55 min on two idle cores): the student's validation Dice about liver"
              + " 0.82, spleen 0.80, kidney 0.60, pancreas 0.30 (mean 0.63), above its teachers'"
              + " mean (0.46)");
    }
    if (this == REAL_QUICK) {
      return Optional.of(
          "expect (run Q1, 13.5 min): a look at the whole pipeline, not at quality: the"
              + " student's validation Dice about liver 0.34 and under 0.05 for the other organs"
              + " (mean 0.10; teachers 0.83 / 0.40 / 0.22 / 0.00); ./distillery demo (about 55"
              + " minutes) gives a student that finds every organ (mean 0.63)");
    }
    return Optional.empty();
  }

  /** One line describing the preset, for the output. */
  public String describe() {
    return String.format(
        Locale.ROOT,
        "preset %s: teachers %s x %s, student %s x %s, batch %d, patch %s at %s mm",
        name,
        teacherNetwork,
        budgetText(teacherSteps, teacherMinutes),
        studentNetwork,
        budgetText(studentSteps, studentMinutes),
        batchSize,
        Arrays.toString(patch),
        Arrays.toString(spacingMm));
  }

  /** "300 steps", or "6.5 min" for a wall-time budget (steps planned by the trainer). */
  static String budgetText(int steps, double minutes) {
    return minutes > 0
        ? String.format(
            Locale.ROOT, "%.1f min (steps planned from the measured step time)", minutes)
        : steps + " steps";
  }
}
