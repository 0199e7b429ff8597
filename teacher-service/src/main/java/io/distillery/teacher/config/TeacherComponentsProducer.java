package io.distillery.teacher.config;

import io.distillery.contracts.EventCodec;
import io.distillery.objectstore.ObjectStore;
import io.distillery.objectstore.OutageRetry;
import io.distillery.segml.engine.EngineThreads;
import io.distillery.teacher.messaging.EventPublisher;
import io.distillery.teacher.service.BackfillService;
import io.distillery.teacher.service.TeacherOutputService;
import io.distillery.teacher.service.TeacherRegistry;
import io.distillery.teacher.service.TeacherRunner;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * Wires the plain-Java teacher components (registry, runner, output service, back-fill) from the
 * configuration; they carry no CDI themselves so that tests can run them outside Quarkus.
 */
public class TeacherComponentsProducer {

  @Produces
  @Singleton
  TeacherRegistry registry(ObjectStore store, TeacherConfig config) {
    return new TeacherRegistry(store, config.s3().bucket());
  }

  @Produces
  @Singleton
  TeacherRunner runner(ObjectStore store, TeacherConfig config) {
    int threads = EngineThreads.configure(config.inference().threads());
    return new TeacherRunner(store, threads, config.inference().windowsPerBatch());
  }

  void closeRunner(@Disposes TeacherRunner runner) {
    runner.close();
  }

  @Produces
  @Singleton
  OutageRetry retry(TeacherConfig config) {
    return new OutageRetry(config.retry().attempts(), config.retry().initialBackoff());
  }

  @Produces
  @Singleton
  TeacherOutputService outputs(
      ObjectStore store,
      TeacherConfig config,
      EventCodec codec,
      TeacherRegistry registry,
      TeacherRunner runner,
      EventPublisher publisher) {
    return new TeacherOutputService(
        store, config.s3().bucket(), codec, registry, runner, publisher::publishOutputs);
  }

  @Produces
  @Singleton
  BackfillService backfill(
      ObjectStore store,
      TeacherConfig config,
      EventCodec codec,
      TeacherOutputService outputs,
      OutageRetry retry) {
    return new BackfillService(store, config.s3().bucket(), codec, outputs, retry);
  }

  void closeBackfill(@Disposes BackfillService backfill) {
    backfill.close();
  }
}
