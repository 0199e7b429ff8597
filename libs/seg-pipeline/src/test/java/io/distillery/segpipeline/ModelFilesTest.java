package io.distillery.segpipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Version order, published file roles and the TensorRT cache key. */
class ModelFilesTest {

  @Test
  void versionsSortNumericallyWhereTheyAreNumbers() {
    List<String> versions =
        new ArrayList<>(List.of("10", "9", "1.10", "1.2", "2", "v3", "v12", "1"));
    versions.sort(ModelVersions.ORDER);
    assertThat(versions).containsExactly("1", "1.2", "1.10", "2", "9", "10", "v3", "v12");
  }

  @Test
  void fileNamesAndRolesAreInverse() {
    for (String file :
        List.of(
            "model-card.json", "model.params", "model.onnx", "model-CT.onnx", "model-MR.onnx")) {
      assertThat(ModelFiles.fileName(ModelFiles.roleOf(file))).isEqualTo(file);
    }
    assertThat(ModelFiles.roleOf("model-MR.onnx")).isEqualTo("onnx-MR");
    assertThat(ModelFiles.roleOf("notes.txt")).isNull();
    assertThatThrownBy(() -> ModelFiles.fileName("weights"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("weights");
  }

  @Test
  void tensorRtCacheIsKeyedByGpuModelAndTensorRtVersion() {
    assertThat(TensorRtCache.key("NVIDIA A100-SXM4-40GB", "8.4.3"))
        .contains("NVIDIA-A100-SXM4-40GB_trt-8.4.3");
    assertThat(TensorRtCache.key("NVIDIA A100-SXM4-40GB", "8.6.1"))
        .isNotEqualTo(TensorRtCache.key("NVIDIA A100-SXM4-40GB", "8.4.3"));
    assertThat(TensorRtCache.key(null, "8.4.3")).isEmpty();
    assertThat(TensorRtCache.key("NVIDIA T4", "")).isEmpty();
    TensorRtCache cache = new TensorRtCache(Path.of("/cache"));
    assertThat(
            cache.fixedShapeOnnx("T4_trt-8.4.3", "abdomen", "3", "CT", 2, new int[] {96, 64, 96}))
        .hasToString("/cache/T4_trt-8.4.3/abdomen/3/CT_b2_96x64x96.onnx");
  }
}
