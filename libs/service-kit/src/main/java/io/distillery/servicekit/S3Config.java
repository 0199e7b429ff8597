package io.distillery.servicekit;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Optional;

/**
 * Where a service keeps its objects: the {@code distillery.s3.*} settings shared by every service
 * (environment variables {@code DISTILLERY_S3_ENDPOINT}, {@code DISTILLERY_S3_ACCESS_KEY}, …).
 */
@ConfigMapping(prefix = "distillery.s3")
public interface S3Config {

  /** Endpoint URL of any S3 server, e.g. {@code http://minio:9000}. */
  @WithDefault("http://127.0.0.1:9000")
  String endpoint();

  /**
   * Access key id. Required: only the dev and test profiles set one ({@code
   * application.properties}); a service started without it refuses to start (see {@link
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
