package io.distillery.inference.health;

import io.distillery.inference.config.InferenceConfig;
import io.distillery.objectstore.ObjectStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready when the object store answers and the bucket exists (it is created on first check; bucket
 * creation is race-safe across services).
 */
@Readiness
@ApplicationScoped
public class ObjectStoreReadinessCheck implements HealthCheck {

  @Inject ObjectStore store;
  @Inject InferenceConfig config;

  private volatile boolean bucketEnsured;

  @Override
  public HealthCheckResponse call() {
    String bucket = config.s3().bucket();
    try {
      if (!bucketEnsured) {
        store.ensureBucket(bucket);
        bucketEnsured = true;
      }
      store.exists(bucket, "readiness-probe");
      return HealthCheckResponse.named("object-store").up().withData("bucket", bucket).build();
    } catch (RuntimeException e) {
      return HealthCheckResponse.named("object-store")
          .down()
          .withData("bucket", bucket)
          .withData("error", String.valueOf(e.getMessage()))
          .build();
    }
  }
}
