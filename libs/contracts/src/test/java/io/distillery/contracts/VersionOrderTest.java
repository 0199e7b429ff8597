package io.distillery.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The platform's one version order: total, numeric among integers, tags after integers. */
class VersionOrderTest {

  /** Versions as they occur side by side: trainer integers, demo timestamps, protocol tags. */
  static final List<String> MIXED =
      List.of("9", "10", "10a", "1796681364", "s42-n800", "s42-n800-3f2a", "1", "2024.1");

  @Test
  void integersNumericallyThenTagsLexically() {
    List<String> sorted = new ArrayList<>(MIXED);
    Collections.shuffle(sorted, new java.util.Random(7));
    sorted.sort(VersionOrder.INSTANCE);

    assertThat(sorted)
        .containsExactly(
            "1", "9", "10", "1796681364", "10a", "2024.1", "s42-n800", "s42-n800-3f2a");
    assertThat(Collections.max(MIXED, VersionOrder.INSTANCE)).isEqualTo("s42-n800-3f2a");
  }

  @Test
  void isTransitiveAndAntisymmetricOverMixedVersions() {
    VersionOrder order = VersionOrder.INSTANCE;
    for (String a : MIXED) {
      for (String b : MIXED) {
        assertThat(Integer.signum(order.compare(a, b)))
            .as("%s vs %s", a, b)
            .isEqualTo(-Integer.signum(order.compare(b, a)));
        for (String c : MIXED) {
          if (order.compare(a, b) < 0 && order.compare(b, c) < 0) {
            assertThat(order.compare(a, c)).as("%s < %s < %s", a, b, c).isNegative();
          }
        }
      }
    }
  }

  @Test
  void integersBeyondLongCompareNumerically() {
    assertThat(VersionOrder.INSTANCE.compare("99999999999999999999", "100000000000000000000"))
        .isNegative();
  }
}
