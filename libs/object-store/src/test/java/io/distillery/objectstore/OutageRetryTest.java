package io.distillery.objectstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class OutageRetryTest {

  private final OutageRetry retry = new OutageRetry(3, Duration.ZERO);

  @Test
  void retriesAnUnavailableStoreUntilTheWorkSucceeds() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    String result =
        retry.call(
            "work",
            () -> {
              if (calls.incrementAndGet() < 3) {
                throw new ObjectStoreUnavailableException("down", 1, null);
              }
              return "done";
            });
    assertThat(result).isEqualTo("done");
    assertThat(calls).hasValue(3);
  }

  @Test
  void rethrowsTheLastOutageAndNamesTheAttemptsInTheReason() {
    AtomicInteger calls = new AtomicInteger();
    assertThatThrownBy(
            () ->
                retry.run(
                    "work",
                    () -> {
                      calls.incrementAndGet();
                      throw new ObjectStoreUnavailableException("still down", 1, null);
                    }))
        .isInstanceOfSatisfying(
            ObjectStoreUnavailableException.class,
            e ->
                assertThat(retry.exhaustedReason(e))
                    .isEqualTo(
                        "object store unavailable after 3 attempts: still down (gave up after 1"
                            + " attempts)"));
    assertThat(calls).hasValue(3);
  }

  @Test
  void otherFailuresAreNotRetried() {
    AtomicInteger calls = new AtomicInteger();
    assertThatThrownBy(
            () ->
                retry.run(
                    "work",
                    () -> {
                      calls.incrementAndGet();
                      throw new IllegalStateException("bug");
                    }))
        .isInstanceOf(IllegalStateException.class);
    assertThat(calls).hasValue(1);
  }

  @Test
  void refusesNonsense() {
    assertThatThrownBy(() -> new OutageRetry(0, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
