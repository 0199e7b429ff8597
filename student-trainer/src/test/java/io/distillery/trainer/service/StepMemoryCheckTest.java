package io.distillery.trainer.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.distillery.segml.networks.UpsamplingMode;
import io.distillery.trainer.JobSpec;
import io.distillery.trainer.JobSpecParser;
import io.distillery.trainer.service.StepMemoryCheck.Trained;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which networks a job's step estimate counts, and the default limit. */
class StepMemoryCheckTest {

  private static final String BUDGET =
      "\"network\": {\"name\": \"LiteUNet3d\", \"baseWidth\": 8, \"depth\": 3},"
          + " \"budget\": {\"steps\": 4, \"batchSize\": 3, \"patchSize\": [32, 32, 32]}";

  private static JobSpec parse(String json) {
    return JobSpecParser.parse(json, false, "job-1");
  }

  @Test
  void aTeacherJobCountsItsNetworkWithDeepSupervisionAtTheBatch() {
    JobSpec spec =
        parse(
            "{\"kind\": \"teacher\", \"classes\": [\"background\", \"liver\"],"
                + " \"datasets\": [{\"id\": \"d\"}], "
                + BUDGET
                + "}");

    List<Trained> trained = StepMemoryCheck.trained(spec);

    assertThat(trained).singleElement().satisfies(t -> assertThat(t.samples()).isEqualTo(3));
    assertThat(trained.get(0).network().deepSupervision())
        .isEqualTo(spec.hyper("deepSupervision") != 0);
    assertThat(trained.get(0).network().baseWidth()).isEqualTo(8);
  }

  @Test
  void coTrainingCountsBothBatchesAndOnlineCrossTeachingItsThreeNetworks() {
    JobSpec unpaired =
        parse(
            "{\"kind\": \"co-train\", \"method\": \"unpaired-ct-mr\","
                + " \"classes\": [\"background\", \"liver\"],"
                + " \"datasets\": [{\"id\": \"ct\"}, {\"id\": \"mr\"}], "
                + BUDGET
                + "}");
    assertThat(StepMemoryCheck.trained(unpaired))
        .singleElement()
        .satisfies(t -> assertThat(t.samples()).isEqualTo(6));

    JobSpec online =
        parse(
            "{\"kind\": \"co-train\", \"method\": \"cross-teaching-online\","
                + " \"classes\": [\"background\", \"liver\"],"
                + " \"datasets\": [{\"id\": \"d\"}],"
                + " \"unlabelled\": [{\"id\": \"pool\", \"split\": \"unlabelled\"}],"
                + " \"teacherNetwork\": {\"name\": \"UNet3d\", \"baseWidth\": 16, \"depth\": 3}, "
                + BUDGET
                + "}");
    List<Trained> trained = StepMemoryCheck.trained(online);
    assertThat(trained).extracting(Trained::samples).containsExactly(6, 6, 6);
    assertThat(trained).extracting(t -> t.network().baseWidth()).containsExactly(8, 16, 16);
    assertThat(trained.subList(1, 3))
        .extracting(t -> t.network().upsampling())
        .containsExactly(UpsamplingMode.TRANSPOSED_CONV, UpsamplingMode.TRILINEAR);
  }

  @Test
  void theDefaultLimitIsThePhysicalMemoryLessHeapAndLibtorchPerConcurrentJob() {
    long gib = 1L << 30;
    assertThat(StepMemoryCheck.defaultLimit(16 * gib, 6 * gib, 1)).isEqualTo(9 * gib);
    assertThat(StepMemoryCheck.defaultLimit(16 * gib, 6 * gib, 2)).isEqualTo(9 * gib / 2);
    assertThat(StepMemoryCheck.defaultLimit(4 * gib, 6 * gib, 1)).isZero();
  }
}
