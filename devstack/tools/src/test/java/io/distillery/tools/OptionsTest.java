package io.distillery.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The option reader of eval and bench: values, paths, directories and the errors naming them. */
class OptionsTest {

  @TempDir Path tmp;

  private static Options parse(String... args) {
    return Options.parse(args, Set.of("data", "out", "threads"), Set.of("verbose"));
  }

  @Test
  void valuesInlineOrNextAndFlags() {
    Options o = parse("--data=a", "--out", "b", "--verbose");
    assertThat(o.get("data")).contains("a");
    assertThat(o.path("out")).contains(Path.of("b"));
    assertThat(o.has("verbose")).isTrue();
    assertThat(o.path("threads")).isEmpty();
  }

  @Test
  void directoriesMustExist() throws Exception {
    Path dir = Files.createDirectory(tmp.resolve("cases"));
    assertThat(parse("--data", dir.toString()).requireDirectory("data")).isEqualTo(dir);
    assertThat(parse("--data", dir.toString()).directory("data")).contains(dir);
    assertThat(parse().directory("data")).isEmpty();

    Path file = Files.writeString(tmp.resolve("file.txt"), "x");
    assertThatThrownBy(() -> parse("--data", file.toString()).directory("data"))
        .isInstanceOf(UsageException.class)
        .hasMessage("--data " + file + " is not a directory");
    assertThatThrownBy(() -> parse().requireDirectory("data"))
        .isInstanceOf(UsageException.class)
        .hasMessage("--data is required");
  }

  @Test
  void problemsNameTheOption() {
    assertThatThrownBy(() -> parse("--nope")).hasMessage("unknown option --nope");
    assertThatThrownBy(() -> parse("--out")).hasMessage("--out needs a value");
    assertThatThrownBy(() -> parse("stray")).hasMessage("unexpected argument 'stray'");
    assertThatThrownBy(() -> parse("--threads", "x").intValue("threads", 1, 1))
        .hasMessage("--threads must be an integer, got 'x'");
    assertThatThrownBy(() -> parse("--threads", "0").intValue("threads", 1, 1))
        .hasMessage("--threads must be >= 1, got 0");
  }
}
