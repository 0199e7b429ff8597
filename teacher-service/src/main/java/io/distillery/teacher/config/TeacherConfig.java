package io.distillery.teacher.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Optional;

/**
 * Configuration of the teacher-service, under the {@code distillery} prefix. Every property can be
 * overridden by environment, e.g. {@code DISTILLERY_S3_ENDPOINT}.
 */
@ConfigMapping(prefix = "distillery")
public interface TeacherConfig {

  /** Object store connection. */
  S3 s3();

  /** Teacher inference. */
  Inference inference();

  /** Retries of work that failed because the object store was unavailable. */
  Retry retry();

  /** Engine threads and window batching. */
  interface Inference {
    /** Intra-op threads of the inference engine (ONNX Runtime / PyTorch). */
    @WithDefault("2")
    int threads();

    /** Sliding windows per engine call. */
    @WithDefault("2")
    int windowsPerBatch();
  }

  /** Back-off of the consumers and the back-fill while the object store is down. */
  interface Retry {
    /** Attempts before a record is dead-lettered. */
    @WithDefault("5")
    int attempts();

    /** Delay after the first failure; doubles with every further attempt. */
    @WithDefault("1s")
    java.time.Duration initialBackoff();
  }

  /** S3 endpoint and credentials. */
  interface S3 {
    /** Endpoint URL of any S3 server, e.g. {@code http://minio:9000}. */
    @WithDefault("http://127.0.0.1:9000")
    String endpoint();

    /**
     * Access key id. Required: only the dev and test profiles set one ({@code
     * application.properties}); a service started without it refuses to start (see {@code
     * ObjectStoreProducer}).
     */
    Optional<String> accessKey();

    /** Secret access key. Required, as {@link #accessKey()}. */
    Optional<String> secretKey();

    /** Region sent with signed requests. */
    @WithDefault("us-east-1")
    String region();

    /** Bucket holding the platform's objects (see {@code ObjectKeys}). */
    @WithDefault("distillery")
    String bucket();
  }
}
