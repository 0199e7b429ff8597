package io.distillery.inference.config;

import io.distillery.segpipeline.ModelOpener;
import io.distillery.segpipeline.SegmentationPipeline;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.List;
import java.util.Optional;

/**
 * Configuration of the inference-service, under the {@code distillery} prefix. Every property can
 * be overridden by environment, e.g. {@code DISTILLERY_S3_ENDPOINT}, {@code
 * DISTILLERY_INFERENCE_WORKERS}.
 */
@ConfigMapping(prefix = "distillery")
public interface InferenceConfig {

  /** Model serving: workers, queue, versions kept, engines. */
  Inference inference();

  /** How models are loaded and requests are run. */
  interface Inference {
    /** Segmentations run at the same time (each one uses {@link #threads()} engine threads). */
    @WithDefault("1")
    int workers();

    /**
     * Segmentations that may wait for a worker; one more request gets 503 with {@code Retry-After}.
     */
    @WithDefault("4")
    int queueSize();

    /** Seconds sent in {@code Retry-After} when the queue is full. */
    @WithDefault("5")
    int retryAfterSeconds();

    /** Versions of each model kept loaded; older ones are closed once their requests finish. */
    @WithDefault("2")
    int keepVersions();

    /** Intra-op threads of each ONNX Runtime / PyTorch session. */
    @WithDefault(ModelOpener.DEFAULT_THREADS)
    int threads();

    /** Sliding windows per engine call. */
    @WithDefault(SegmentationPipeline.DEFAULT_WINDOWS_PER_BATCH)
    int windowsPerBatch();

    /** Load the latest version of every model found under {@code models/} at start. */
    @WithDefault("true")
    boolean loadAtStart();

    /** Engine preference, first that loads wins: {@code TensorRT,OnnxRuntime,PyTorch}. */
    @WithDefault(ModelOpener.DEFAULT_ENGINE_ORDER)
    String engines();

    /** Where downloaded model files live (a temporary directory when absent). */
    Optional<String> modelDir();

    /**
     * Where TensorRT artefacts are cached, one sub-directory per GPU model and TensorRT version
     * (see {@code TensorRtCache}); a temporary directory when absent.
     */
    Optional<String> tensorrtCacheDir();

    /** Largest accepted upload in bytes (NIfTI, possibly gzip-compressed). */
    @WithDefault("536870912")
    long maxUploadBytes();

    /**
     * Key prefixes of the service's bucket that {@code POST /api/v1/segment?objectKey=} and the
     * image of a {@code SegmentationRequested} event (which must also be in the service's bucket)
     * may read: by default only {@code segmentations/}, the inputs of this service's own requests.
     * A key outside them, or one that does not name a {@code .nii} / {@code .nii.gz} file, gets 403
     * problem+json naming this key; a malformed key (empty or {@code ..} segments, characters
     * outside object-key ids) gets 400. A deployment that lets clients segment ingested volumes
     * adds {@code volumes/}.
     */
    @WithDefault("segmentations/")
    List<String> objectKeyPrefixes();
  }
}
