package io.distillery.servicekit;

import io.distillery.objectstore.ObjectStore;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import org.jboss.logging.Logger;

/**
 * Ready when the object store answers and the bucket exists (it is created on first check; bucket
 * creation is race-safe across services).
 */
@Readiness
@ApplicationScoped
public class ObjectStoreReadinessCheck implements HealthCheck {

  private static final Logger LOG = Logger.getLogger(ObjectStoreReadinessCheck.class);

  @Inject ObjectStore store;
  @Inject S3Config s3;

  private volatile boolean bucketEnsured;

  /** Creates the bucket at start so that the first request finds it; failures are retried here. */
  void onStart(@Observes StartupEvent event) {
    try {
      store.ensureBucket(s3.bucket());
      bucketEnsured = true;
    } catch (RuntimeException e) {
      LOG.warnf("bucket not ready at start (%s); readiness will retry", e.getMessage());
    }
  }

  @Override
  public HealthCheckResponse call() {
    String bucket = s3.bucket();
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
