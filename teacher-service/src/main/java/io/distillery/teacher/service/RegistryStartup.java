package io.distillery.teacher.service;

import io.distillery.objectstore.ObjectStore;
import io.distillery.servicekit.S3Config;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

/**
 * Creates the bucket if needed (race-safe across services) and rebuilds the teacher registry from
 * the object store when the service starts.
 */
@ApplicationScoped
public class RegistryStartup {

  private static final Logger LOG = Logger.getLogger(RegistryStartup.class);

  void onStart(
      @Observes StartupEvent start,
      TeacherRegistry registry,
      ObjectStore store,
      S3Config s3Config) {
    try {
      store.ensureBucket(s3Config.bucket());
      registry.refresh();
      LOG.infof("teacher registry: %d teachers", registry.latestVersions().size());
    } catch (RuntimeException e) {
      // Not fatal: every volume refreshes the registry again; readiness reports the store.
      LOG.warnf("teacher registry not loaded at start: %s", e.getMessage());
    }
  }
}
