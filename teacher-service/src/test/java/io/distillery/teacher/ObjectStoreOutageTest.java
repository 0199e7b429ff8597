package io.distillery.teacher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.distillery.contracts.EventCodec;
import io.distillery.contracts.ObjectKeys;
import io.distillery.contracts.events.TeacherOutputsProduced;
import io.distillery.contracts.events.VolumeIngested;
import io.distillery.devstack.S3Server;
import io.distillery.objectstore.MinioObjectStore;
import io.distillery.objectstore.ObjectStore;
import io.distillery.objectstore.ObjectStoreUnavailableException;
import io.distillery.objectstore.OutageRetry;
import io.distillery.objectstore.RetryPolicy;
import io.distillery.objectstore.S3Settings;
import io.distillery.teacher.service.TeacherOutputService;
import io.distillery.teacher.service.TeacherOutputService.Outcome;
import io.distillery.teacher.service.TeacherRegistry;
import io.distillery.teacher.service.TeacherRunner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With the object store down, work is retried with back-off and nothing is announced until the soft
 * labels are durable; a store that stays down exhausts the attempts (the consumer then dead-letters
 * the record). Uses a private S3 server restarted on the same port and directory.
 */
class ObjectStoreOutageTest {

  @TempDir Path s3Data;

  @Test
  void workWaitsForTheStoreAndAnnouncesOnlyDurableOutputs() throws Exception {
    S3Server s3 = S3Server.builder().dataDir(s3Data).start();
    int port = s3.endpoint().getPort();
    ObjectStore store =
        MinioObjectStore.create(
            S3Settings.of(s3.endpoint(), s3.accessKey(), s3.secretKey())
                .withRetry(new RetryPolicy(2, Duration.ofMillis(100), Duration.ofMillis(200), 2)));
    List<TeacherOutputsProduced> announced = new CopyOnWriteArrayList<>();
    List<Boolean> durableWhenAnnounced = new CopyOnWriteArrayList<>();
    try (TeacherRunner runner = new TeacherRunner(store, 1, 2)) {
      store.ensureBucket("outage");
      new TeacherRegistry(store, "outage")
          .register(
              TinyTeacher.manifest("outage-teacher", "1", List.of(), 4, 1),
              Map.of("onnx", TinyTeacher.onnx(42)));
      VolumeIngested volume =
          TestVolumes.store(
              store, "outage", "vol-outage", "any", "case", TestVolumes.synthetic(1, 40, 36, 24));
      TeacherOutputService outputs =
          new TeacherOutputService(
              store,
              "outage",
              new EventCodec(),
              new TeacherRegistry(store, "outage"),
              runner,
              (event, traceparent) -> {
                durableWhenAnnounced.add(
                    store.exists(event.softLabels().bucket(), event.softLabels().key()));
                announced.add(event);
              });

      s3.close(); // the store goes down
      assertThatThrownBy(
              () ->
                  new OutageRetry(2, Duration.ofMillis(100))
                      .call("down", () -> outputs.processVolume(volume, null)))
          .isInstanceOf(ObjectStoreUnavailableException.class);
      assertThat(announced).isEmpty();

      AtomicInteger attempts = new AtomicInteger();
      OutageRetry retry = new OutageRetry(8, Duration.ofMillis(300));
      CompletableFuture<List<Outcome>> work =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return retry.call(
                      "volume",
                      () -> {
                        attempts.incrementAndGet();
                        return outputs.processVolume(volume, null);
                      });
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      Thread.sleep(1500);
      assertThat(announced).as("nothing announced while the store is down").isEmpty();
      s3 = S3Server.builder().dataDir(s3Data).port(port).start(); // back up, same data

      assertThat(work.get(2, TimeUnit.MINUTES)).containsExactly(Outcome.PRODUCED);
      System.out.printf("store outage: %d attempts before success%n", attempts.get());
      assertThat(attempts.get()).isGreaterThan(1);
      assertThat(announced).hasSize(1);
      assertThat(durableWhenAnnounced).containsExactly(true);
      assertThat(
              store.exists(
                  "outage", ObjectKeys.teacherOutputRecord("outage-teacher", "1", "vol-outage")))
          .isTrue();
      // Delivered again (e.g. after a rebalance): nothing recomputed, nothing re-announced.
      assertThat(outputs.processVolume(volume, null)).containsExactly(Outcome.ALREADY_DONE);
      assertThat(announced).hasSize(1);
    } finally {
      store.close();
      s3.close();
    }
  }
}
