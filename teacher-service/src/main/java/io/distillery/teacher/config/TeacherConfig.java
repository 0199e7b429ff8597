package io.distillery.teacher.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Configuration of the teacher-service, under the {@code distillery} prefix. Every property can be
 * overridden by environment, e.g. {@code DISTILLERY_S3_ENDPOINT}.
 */
@ConfigMapping(prefix = "distillery")
public interface TeacherConfig {

  /** Teacher inference. */
  Inference inference();

  /** Engine threads and window batching. */
  interface Inference {
    /** Intra-op threads of the inference engine (ONNX Runtime / PyTorch). */
    @WithDefault("2")
    int threads();

    /** Sliding windows per engine call. */
    @WithDefault("2")
    int windowsPerBatch();
  }
}
