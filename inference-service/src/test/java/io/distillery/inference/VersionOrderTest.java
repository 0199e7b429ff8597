package io.distillery.inference;

import static org.assertj.core.api.Assertions.assertThat;

import io.distillery.inference.service.ModelRegistry;
import io.distillery.inference.service.TensorRtCache;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Version order and the TensorRT cache key. */
class VersionOrderTest {

  @Test
  void versionsSortNumericallyWhereTheyAreNumbers() {
    List<String> versions =
        new ArrayList<>(List.of("10", "9", "1.10", "1.2", "2", "v3", "v12", "1"));
    versions.sort(ModelRegistry.VERSION_ORDER);
    assertThat(versions).containsExactly("1", "1.2", "1.10", "2", "9", "10", "v3", "v12");
  }

  @Test
  void tensorRtCacheIsKeyedByGpuModelAndTensorRtVersion() {
    assertThat(TensorRtCache.key("NVIDIA A100-SXM4-40GB", "8.4.3"))
        .contains("NVIDIA-A100-SXM4-40GB_trt-8.4.3");
    assertThat(TensorRtCache.key("NVIDIA A100-SXM4-40GB", "8.6.1"))
        .isNotEqualTo(TensorRtCache.key("NVIDIA A100-SXM4-40GB", "8.4.3"));
    assertThat(TensorRtCache.key(null, "8.4.3")).isEmpty();
    assertThat(TensorRtCache.key("NVIDIA T4", "")).isEmpty();
    TensorRtCache cache = new TensorRtCache(java.nio.file.Path.of("/cache"));
    assertThat(
            cache.fixedShapeOnnx("T4_trt-8.4.3", "abdomen", "3", "CT", 2, new int[] {96, 64, 96}))
        .hasToString("/cache/T4_trt-8.4.3/abdomen/3/CT_b2_96x64x96.onnx");
  }
}
