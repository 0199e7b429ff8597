package io.distillery.tools.demo;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The presets the demo picks on the BTCV folders, and what they tell the user to expect. */
class DemoPresetTest {

  @Test
  void realDataPresetsHaveDepthFourStudentsAndSayWhatToExpect() {
    DemoPreset real = DemoPreset.DEFAULT.forRealData();
    DemoPreset quick = DemoPreset.QUICK.forRealData();

    assertThat(real).isSameAs(DemoPreset.REAL_DEFAULT);
    assertThat(quick).isSameAs(DemoPreset.REAL_QUICK);
    assertThat(real.studentNetwork().depth()).isEqualTo(4);
    assertThat(quick.studentNetwork().depth()).isEqualTo(4);
    assertThat(real.expectation()).hasValueSatisfying(e -> assertThat(e).contains("mean 0.63"));
    assertThat(quick.expectation()).hasValueSatisfying(e -> assertThat(e).contains("mean 0.10"));
    assertThat(DemoPreset.TINY.forRealData().expectation()).isEmpty();
  }
}
