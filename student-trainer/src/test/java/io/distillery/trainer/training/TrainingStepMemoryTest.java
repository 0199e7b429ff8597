package io.distillery.trainer.training;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.distillery.segml.networks.LiteUNet3d;
import io.distillery.segml.networks.NetworkSpec;
import io.distillery.segml.networks.SegmentationNetwork;
import io.distillery.segml.networks.UNet3d;
import io.distillery.segml.networks.UpsamplingMode;
import io.distillery.segml.networks.blocks.ActivationKind;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrainingStepMemoryTest {

  private static NetworkSpec spec(
      String type,
      int classes,
      int width,
      int depth,
      UpsamplingMode up,
      boolean residual,
      int normSets,
      boolean deepSupervision,
      boolean denseStem) {
    return new NetworkSpec(
        type,
        1,
        classes,
        width,
        depth,
        up,
        residual,
        residual,
        normSets,
        deepSupervision,
        ActivationKind.LEAKY_RELU,
        denseStem);
  }

  @Test
  void aTinyUNetByHand() {
    // UNet3d, 1 → 2 classes, width 2, depth 2, transposed up-sampling, plain stages.
    NetworkSpec tiny =
        spec(UNet3d.TYPE, 2, 2, 2, UpsamplingMode.TRANSPOSED_CONV, false, 1, false, false);
    // encoder 0: 3³ conv 1→2 (54) + norm (4), 3³ conv 2→2 (108) + norm (4)          = 170
    // encoder 1: 3³ conv 2→4 (216) + norm (8), 3³ conv 4→4 (432) + norm (8)          = 664
    // up: 2³ transposed conv 4→2 (64) + bias (2)                                     =  66
    // decoder: 3³ conv 4→2 (216) + norm (4), 3³ conv 2→2 (108) + norm (4)            = 332
    // head: 1³ conv 2→2 (4) + bias (2)                                                =   6
    assertThat(TrainingStepMemory.parameters(tiny)).isEqualTo(1238);
    // per full-resolution voxel: input 1 + backward 3·2; encoder 0: 5·2 + 5·2; encoder 1:
    // (5·4 + 5·4)/8; decoder: up 2 + concatenation 4 + 5·2 + 5·2; head and loss (1 + 6)·2
    assertThat(TrainingStepMemory.activationChannels(tiny)).isEqualTo(7 + 20 + 5 + 26 + 14);
    // 8³ patches, batch 2: 512 · 2 · 4 bytes · 72 + 16 bytes · 1238 parameters
    assertThat(TrainingStepMemory.trainedBytes(tiny, new int[] {8, 8, 8}, 2))
        .isEqualTo(512L * 2 * 4 * 72 + 16L * 1238);
  }

  @Test
  void parametersAreThoseOfTheBuiltNetworks() {
    List<NetworkSpec> specs =
        List.of(
            spec(UNet3d.TYPE, 2, 16, 4, UpsamplingMode.TRANSPOSED_CONV, false, 1, false, false),
            spec(UNet3d.TYPE, 3, 4, 3, UpsamplingMode.TRANSPOSED_CONV, false, 1, true, false),
            spec(UNet3d.TYPE, 3, 4, 3, UpsamplingMode.TRANSPOSED_CONV, true, 1, false, false),
            spec(UNet3d.TYPE, 3, 4, 3, UpsamplingMode.TRILINEAR, true, 1, false, false),
            spec(LiteUNet3d.TYPE, 3, 4, 4, UpsamplingMode.TRILINEAR, false, 1, true, true),
            spec(LiteUNet3d.TYPE, 3, 4, 3, UpsamplingMode.TRILINEAR, false, 2, false, false),
            spec(LiteUNet3d.TYPE, 2, 4, 3, UpsamplingMode.TRILINEAR, true, 1, false, false));
    try (NDManager manager = NDManager.newBaseManager()) {
      for (NetworkSpec s : specs) {
        SegmentationNetwork net = s.build();
        int m = net.sizeMultiple();
        net.initialize(manager, DataType.FLOAT32, new Shape(1, 1, m, m, m));
        assertThat(TrainingStepMemory.parameters(s)).as("%s", s).isEqualTo(net.parameterCount());
      }
    }
    // The documented counts of the default teacher and of the student before its dense stem
    // (UNet3d, LiteUNet3d javadoc; the benchmark below measured those two).
    assertThat(
            TrainingStepMemory.parameters(
                spec(
                    UNet3d.TYPE, 2, 16, 4, UpsamplingMode.TRANSPOSED_CONV, false, 1, false, false)))
        .isEqualTo(1_401_282);
    assertThat(
            TrainingStepMemory.parameters(
                spec(LiteUNet3d.TYPE, 2, 16, 4, UpsamplingMode.TRILINEAR, false, 1, false, false)))
        .isEqualTo(79_565);
  }

  @Test
  void theSeedMlBenchmarkStepsStayBelowTheirMeasuredProcessPeaks() {
    // libs/seg-ml/README.md: one 96³ batch-2 step, peak RSS of the whole process (JVM and
    // libtorch included) 5,059 MB for the default teacher and 5,776 MB for the default student.
    int[] patch = {96, 96, 96};
    long teacher =
        TrainingStepMemory.trainedBytes(
            spec(UNet3d.TYPE, 2, 16, 4, UpsamplingMode.TRANSPOSED_CONV, false, 1, false, false),
            patch,
            2);
    long student =
        TrainingStepMemory.trainedBytes(
            spec(LiteUNet3d.TYPE, 2, 16, 4, UpsamplingMode.TRILINEAR, false, 1, false, false),
            patch,
            2);
    // Estimated 3,905 MB and 4,524 MB: the rest of each peak is the JVM and libtorch.
    assertThat(teacher).isBetween(2_500_000_000L, 5_059_000_000L);
    assertThat(student).isBetween(2_500_000_000L, 5_776_000_000L);
    assertThat(student).isGreaterThan(teacher);
  }

  @Test
  void theIssuesSpecIsFarBeyondAnyMachineAndTheDefaultsAreSmall() {
    // patch 256³, width 128, depth 6 (issue 18): about 600 GB.
    long absurd =
        TrainingStepMemory.trainedBytes(
            spec(UNet3d.TYPE, 2, 128, 6, UpsamplingMode.TRANSPOSED_CONV, false, 1, true, false),
            new int[] {256, 256, 256},
            2);
    assertThat(absurd).isGreaterThan(256L << 30);
    // The job spec defaults: LiteUNet3d width 8, depth 4, 64³, batch 2.
    long defaults =
        TrainingStepMemory.trainedBytes(
            spec(LiteUNet3d.TYPE, 2, 8, 4, UpsamplingMode.TRILINEAR, false, 1, true, true),
            new int[] {64, 64, 64},
            2);
    assertThat(defaults).isLessThan(1L << 30);
  }
}
