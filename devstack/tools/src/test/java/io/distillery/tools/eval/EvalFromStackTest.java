package io.distillery.tools.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.distillery.contracts.ObjectKeys;
import io.distillery.devstack.DevStack;
import io.distillery.devstack.DevStackExtension;
import io.distillery.objectstore.MinioObjectStore;
import io.distillery.objectstore.ObjectStore;
import io.distillery.objectstore.S3Settings;
import io.distillery.phantoms.PhantomDatasets;
import io.distillery.segpipeline.ModelLoadException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code eval --model name[:version]} and {@code s3://…} against a real S3 server (devstack's),
 * found through a {@code .distillery/stack.json} like the one {@code ./distillery up} writes.
 */
@ExtendWith(DevStackExtension.class)
class EvalFromStackTest {

  @TempDir Path root;

  @Test
  void publishedVersionsAreFoundByNameLatestFirstAndByS3Url(DevStack stack) throws Exception {
    Path model = TinyModel.trained();
    try (ObjectStore store =
        MinioObjectStore.create(
            S3Settings.of(stack.endpoint(), stack.accessKey(), stack.secretKey()))) {
      store.ensureBucket(stack.bucket());
      for (String version : List.of("2", "10")) {
        try (Stream<Path> files = Files.list(model)) {
          for (Path f : files.toList()) {
            store.put(
                stack.bucket(),
                ObjectKeys.modelFile("tiny-liver", version, f.getFileName().toString()),
                f,
                "application/octet-stream");
          }
        }
      }
      // The same files as a teacher (teachers/<id>/<version>/, where the trainer and the
      // teacher-service keep them).
      try (Stream<Path> files = Files.list(model)) {
        for (Path f : files.toList()) {
          store.put(
              stack.bucket(),
              ObjectKeys.teacherFile("tiny-teacher", "s1", f.getFileName().toString()),
              f,
              "application/octet-stream");
        }
      }
    }
    writeStackJson(stack);
    Path data = PhantomDatasets.write(root.resolve("data"), TinyModel.SPEC, 3000, 1, true);

    JsonNode latest = eval("tiny-liver", data, root.resolve("by-name"));
    assertThat(latest.path("modelName").asText()).isEqualTo("tiny-liver");
    assertThat(latest.path("modelVersion").asText()).isEqualTo("10"); // "10" follows "2"

    JsonNode pinned =
        eval("s3://" + stack.bucket() + "/models/tiny-liver/2", data, root.resolve("by-url"));
    assertThat(pinned.path("modelVersion").asText()).isEqualTo("2");
    // The same weights give the same label maps whichever way they were found.
    assertThat(pinned.path("cases").get(0).path("scores"))
        .isEqualTo(latest.path("cases").get(0).path("scores"));

    // A teacher is found by its id, with or without the version, and by its S3 URL.
    JsonNode teacher = eval("tiny-teacher", data, root.resolve("teacher-by-name"));
    assertThat(teacher.path("modelVersion").asText()).isEqualTo("s1");
    JsonNode teacherUrl =
        eval("s3://" + stack.bucket() + "/teachers/tiny-teacher/s1", data, root.resolve("t-url"));
    assertThat(teacherUrl.path("cases").get(0).path("scores"))
        .isEqualTo(latest.path("cases").get(0).path("scores"));

    assertThatThrownBy(() -> eval("no-such-model", data, root.resolve("missing")))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("no model or teacher 'no-such-model'")
        .hasMessageContaining("tiny-liver")
        .hasMessageContaining("tiny-teacher");
    assertThatThrownBy(() -> eval("tiny-liver:99", data, root.resolve("missing-version")))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("no version '99' of 'tiny-liver'")
        .hasMessageContaining("published versions: [2, 10]");
  }

  @Test
  void aNameWithoutAStackSaysHowToStartOne() {
    assertThatThrownBy(() -> new ModelSource(root).resolve("tiny-liver", root.resolve("dl")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("./distillery up --background");
  }

  private JsonNode eval(String ref, Path data, Path out) throws Exception {
    new EvalCommand(root)
        .run(
            new String[] {"--model", ref, "--data", data.toString(), "--out", out.toString()},
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    return new ObjectMapper().readTree(out.resolve("report.json").toFile());
  }

  private void writeStackJson(DevStack stack) throws Exception {
    Path state = Files.createDirectories(root.resolve(".distillery"));
    // This JVM stands in for the launcher: its pid is alive, as a running launcher's is.
    Files.writeString(
        state.resolve("stack.json"),
        """
        {"status": "ready", "launcherPid": %d,
         "kafka": {"bootstrapServers": "%s"},
         "s3": {"endpoint": "%s", "accessKey": "%s", "secretKey": "%s", "bucket": "%s"},
         "services": []}
        """
            .formatted(
                ProcessHandle.current().pid(),
                stack.bootstrapServers(),
                stack.endpoint(),
                stack.accessKey(),
                stack.secretKey(),
                stack.bucket()));
  }
}
