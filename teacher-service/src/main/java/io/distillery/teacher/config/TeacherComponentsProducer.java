package io.distillery.teacher.config;

import io.distillery.contracts.EventCodec;
import io.distillery.objectstore.ObjectStore;
import io.distillery.objectstore.OutageRetry;
import io.distillery.segml.engine.EngineThreads;
import io.distillery.servicekit.EventPublisher;
import io.distillery.servicekit.S3Config;
import io.distillery.teacher.service.BackfillService;
import io.distillery.teacher.service.TeacherOutputService;
import io.distillery.teacher.service.TeacherRegistry;
import io.distillery.teacher.service.TeacherRunner;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
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
  TeacherRegistry registry(ObjectStore store, S3Config s3Config) {
    return new TeacherRegistry(store, s3Config.bucket());
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
  TeacherOutputService outputs(
      ObjectStore store,
      S3Config s3Config,
      EventCodec codec,
      TeacherRegistry registry,
      TeacherRunner runner,
      EventPublisher publisher,
      MeterRegistry meters) {
    return new TeacherOutputService(
        store,
        s3Config.bucket(),
        codec,
        registry,
        runner,
        (event, parentTraceparent) -> {
          publisher.publish(event, parentTraceparent);
          // distillery_teacher_outputs_total{teacher}: outputs stored and announced.
          Counter.builder("distillery.teacher.outputs")
              .description("Teacher outputs stored and announced")
              .tag("teacher", event.teacherId())
              .register(meters)
              .increment();
        });
  }

  @Produces
  @Singleton
  BackfillService backfill(
      ObjectStore store,
      S3Config s3Config,
      EventCodec codec,
      TeacherOutputService outputs,
      OutageRetry retry) {
    return new BackfillService(store, s3Config.bucket(), codec, outputs, retry);
  }

  void closeBackfill(@Disposes BackfillService backfill) {
    backfill.close();
  }
}
