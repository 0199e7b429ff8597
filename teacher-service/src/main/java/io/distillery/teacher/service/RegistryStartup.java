package io.distillery.teacher.service;

import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

/** Rebuilds the teacher registry from the object store when the service starts. */
@ApplicationScoped
public class RegistryStartup {

  private static final Logger LOG = Logger.getLogger(RegistryStartup.class);

  void onStart(@Observes StartupEvent start, TeacherRegistry registry) {
    try {
      registry.refresh();
      LOG.infof("teacher registry: %d teachers", registry.latestVersions().size());
    } catch (RuntimeException e) {
      // Not fatal: every volume refreshes the registry again; readiness reports the store.
      LOG.warnf("teacher registry not loaded at start: %s", e.getMessage());
    }
  }
}
