package io.distillery.objectstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

  @Test
  void delaysGrowExponentiallyUpToTheCap() {
    RetryPolicy p = new RetryPolicy(6, Duration.ofMillis(100), Duration.ofMillis(500), 2.0);
    assertThat(p.delayBefore(2)).isEqualTo(Duration.ofMillis(100));
    assertThat(p.delayBefore(3)).isEqualTo(Duration.ofMillis(200));
    assertThat(p.delayBefore(4)).isEqualTo(Duration.ofMillis(400));
    assertThat(p.delayBefore(5)).isEqualTo(Duration.ofMillis(500));
    assertThat(p.delayBefore(6)).isEqualTo(Duration.ofMillis(500));
  }

  @Test
  void rejectsNonsense() {
    assertThatThrownBy(() -> new RetryPolicy(0, Duration.ZERO, Duration.ZERO, 1.0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RetryPolicy(2, Duration.ofMillis(1), Duration.ZERO, 0.5))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
