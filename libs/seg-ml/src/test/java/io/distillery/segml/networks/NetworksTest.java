package io.distillery.segml.networks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.distillery.segml.networks.blocks.InstanceNorm3d;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class NetworksTest {

  private static NDManager manager;

  @BeforeAll
  static void engine() {
    io.distillery.segml.engine.EngineThreads.configure(2);
    manager = NDManager.newBaseManager("PyTorch");
  }

  @AfterAll
  static void close() {
    manager.close();
  }

  @Test
  void defaultStudentIsEightTimesSmallerAndFiveTimesCheaperThanDefaultTeacher() {
    UNet3d teacher = UNet3d.builder().setOutChannels(2).build();
    LiteUNet3d student = LiteUNet3d.builder().setOutChannels(2).build();
    teacher.initialize(manager, DataType.FLOAT32, new Shape(1, 1, 16, 16, 16));
    student.initialize(manager, DataType.FLOAT32, new Shape(1, 1, 16, 16, 16));
    System.out.printf(
        "teacher: %d params, %.1f FLOPs/voxel; student: %d params, %.1f FLOPs/voxel%n",
        teacher.parameterCount(),
        teacher.flopsPerVoxel(),
        student.parameterCount(),
        student.flopsPerVoxel());
    assertThat(teacher.parameterCount()).isGreaterThanOrEqualTo(8 * student.parameterCount());
    assertThat(teacher.flopsPerVoxel()).isGreaterThanOrEqualTo(5 * student.flopsPerVoxel());
  }

  /** The dense candidate student of the benchmark ({@code dense5}) also meets the ratios. */
  @Test
  void denseBaseFiveUNetIsEightTimesSmallerAndFiveTimesCheaperThanDefaultTeacher() {
    UNet3d teacher = UNet3d.builder().setOutChannels(2).build();
    UNet3d dense5 = UNet3d.builder().setOutChannels(2).optBaseWidth(5).build();
    teacher.initialize(manager, DataType.FLOAT32, new Shape(1, 1, 16, 16, 16));
    dense5.initialize(manager, DataType.FLOAT32, new Shape(1, 1, 16, 16, 16));
    System.out.printf(
        "dense base-5 UNet3d: %d params, %.1f FLOPs/voxel%n",
        dense5.parameterCount(), dense5.flopsPerVoxel());
    assertThat(teacher.parameterCount()).isGreaterThanOrEqualTo(8 * dense5.parameterCount());
    assertThat(teacher.flopsPerVoxel()).isGreaterThanOrEqualTo(5 * dense5.flopsPerVoxel());
  }

  @Test
  void flopsOfATinyPlainUNetMatchAHandCount() {
    // depth 2, base 2, 1 -> 3 classes, transposed up.
    UNet3d net = UNet3d.builder().setOutChannels(3).optBaseWidth(2).optDepth(2).build();
    double encoder0 = 2 * 27 * (1 * 2 + 2 * 2); // conv 1->2, conv 2->2 at full resolution
    double encoder1 = 2 * 27 * (2 * 4 + 4 * 4) / 8.0; // stride-2 conv 2->4, conv 4->4 at 1/8
    double up = 2 * 4 * 2; // each output voxel: Cin*Cout multiply-adds
    double decoder0 = 2 * 27 * (4 * 2 + 2 * 2);
    double head = 2 * 2 * 3;
    assertThat(net.flopsPerVoxel()).isEqualTo(encoder0 + encoder1 + up + decoder0 + head);
  }

  @Test
  void parameterCountOfATinyUNetMatchesAHandCount() {
    UNet3d net = UNet3d.builder().setOutChannels(3).optBaseWidth(2).optDepth(2).build();
    net.initialize(manager, DataType.FLOAT32, new Shape(1, 1, 4, 4, 4));
    long convs = 27L * (1 * 2 + 2 * 2 + 2 * 4 + 4 * 4 + 4 * 2 + 2 * 2);
    long norms = 2L * (2 + 2 + 4 + 4 + 2 + 2);
    long up = 4 * 2 * 8 + 2;
    long head = 2 * 3 + 3;
    assertThat(net.parameterCount()).isEqualTo(convs + norms + up + head);
  }

  @Test
  void forwardGivesLogitsDeepSupervisionAndNamedTapsWithDeclaredShapes() {
    UNet3d net =
        UNet3d.builder()
            .setOutChannels(3)
            .optBaseWidth(4)
            .optDepth(3)
            .optResidual(true, true)
            .optUpsampling(UpsamplingMode.TRILINEAR)
            .optDeepSupervision(true)
            .build();
    net.initialize(manager, DataType.FLOAT32, new Shape(2, 1, 8, 8, 8));
    try (NDManager step = manager.newSubManager()) {
      NDArray x = step.randomNormal(new Shape(2, 1, 8, 8, 8));
      NetworkOutput out =
          net.forward(
              new ParameterStore(step, false), x, false, 0, Set.of("encoder.2", "decoder.0"));
      assertThat(out.logits().getShape()).isEqualTo(new Shape(2, 3, 8, 8, 8));
      assertThat(out.deepSupervision()).hasSize(1);
      assertThat(out.deepSupervision().get(0).getShape()).isEqualTo(new Shape(2, 3, 4, 4, 4));
      assertThat(out.feature("encoder.2").getShape()).isEqualTo(new Shape(2, 16, 2, 2, 2));
      assertThat(out.feature("decoder.0").getShape()).isEqualTo(new Shape(2, 8, 4, 4, 4));
      FeatureTap decoder0 =
          net.featureTaps().stream().filter(t -> t.name().equals("decoder.0")).findFirst().get();
      assertThat(decoder0).isEqualTo(new FeatureTap("decoder.0", 8, 2));
      assertThatThrownBy(() -> out.feature("decoder.1"))
          .isInstanceOf(IllegalArgumentException.class);
      NDList plain = net.forward(new ParameterStore(step, false), new NDList(x), false);
      assertThat(plain).hasSize(2);
      assertThat(plain.get(0).sub(out.logits()).abs().max().getFloat()).isLessThan(1e-5f);
    }
  }

  @Test
  void normSetIsSelectedAtForwardTime() {
    LiteUNet3d net =
        LiteUNet3d.builder().setOutChannels(2).optBaseWidth(4).optDepth(2).optNormSets(2).build();
    net.initialize(manager, DataType.FLOAT32, new Shape(1, 1, 4, 4, 4));
    // Give the second modality different affine parameters.
    net.getParameters().values().stream()
        .filter(p -> p.getName().equals("gamma"))
        .forEach(p -> p.getArray().set(new ai.djl.ndarray.index.NDIndex("1"), 2f));
    try (NDManager step = manager.newSubManager()) {
      NDArray x = step.randomNormal(new Shape(1, 1, 4, 4, 4));
      ParameterStore ps = new ParameterStore(step, false);
      NDArray ct = net.forward(ps, x, false, 0, Set.of()).logits();
      NDArray mr = net.forward(ps, x, false, 1, Set.of()).logits();
      PairList<String, Object> params = new PairList<>();
      params.add(InstanceNorm3d.NORM_SET_KEY, 1);
      NDArray mrPlain = net.forward(ps, new NDList(x), false, params).singletonOrThrow();
      assertThat(ct.sub(mr).abs().max().getFloat()).isGreaterThan(1e-3f);
      assertThat(mr.sub(mrPlain).abs().max().getFloat()).isLessThan(1e-6f);
      assertThatThrownBy(() -> net.forward(ps, x, false, 2, Set.of()))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("norm set 2");
    }
  }

  @Test
  void rejectsSpatialSizesThatAreNotMultiplesOfTheDepth() {
    UNet3d net = UNet3d.builder().setOutChannels(2).optBaseWidth(2).optDepth(3).build();
    net.initialize(manager, DataType.FLOAT32, new Shape(1, 1, 8, 8, 8));
    try (NDManager step = manager.newSubManager()) {
      NDArray x = step.zeros(new Shape(1, 1, 8, 6, 8));
      assertThatThrownBy(() -> net.forward(new ParameterStore(step, false), x, false, 0, Set.of()))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("multiples of 4");
    }
  }
}
