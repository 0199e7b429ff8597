package io.distillery.teacher.service;

import io.distillery.contracts.events.TeacherOutputsProduced;

/**
 * Publishes {@link TeacherOutputsProduced} and returns only once the broker acknowledged it. The
 * service's Kafka publisher implements it; tests outside Quarkus use a plain producer.
 */
@FunctionalInterface
public interface OutputsAnnouncer {

  /** Publishes and awaits the acknowledgement; throws when the broker refuses. */
  void announce(TeacherOutputsProduced event, String parentTraceparent);
}
