package io.distillery.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ObjectKeysTest {

  @Test
  void keysAreDeterministicAndNested() {
    assertThat(ObjectKeys.volumeImage("vol-1")).isEqualTo("volumes/vol-1/image.nii.gz");
    assertThat(ObjectKeys.teacherSoftLabels("liver", "3", "vol-1"))
        .isEqualTo("teacher-outputs/liver/3/vol-1/soft-labels.dtc");
    assertThat(ObjectKeys.teacherOutputRecord("liver", "3", "vol-1"))
        .isEqualTo("teacher-outputs/liver/3/vol-1/produced.json");
    assertThat(ObjectKeys.checkpointPrefix("job-1", 42))
        .isEqualTo("jobs/job-1/checkpoints/step-0000000042/");
    assertThat(ObjectKeys.jobState("job-1")).isEqualTo("jobs/job-1/state.json");
    assertThat(ObjectKeys.jobState("job-1")).startsWith(ObjectKeys.jobsPrefix());
    assertThat(ObjectKeys.modelFile("student", "2", "model.onnx"))
        .isEqualTo("models/student/2/model.onnx");
  }

  @Test
  void pathTraversalAndSeparatorsAreRefused() {
    assertThatThrownBy(() -> ObjectKeys.volumeImage("../other"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("../other");
    assertThatThrownBy(() -> ObjectKeys.upload("s1", "a/b.nii"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ObjectKeys.upload("s1", "a..b"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ObjectKeys.volumeImage(""))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ObjectKeys.checkpointPrefix("j", -1))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
