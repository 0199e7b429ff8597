package io.distillery.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MainTest {

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(Main main, String... args) {
    return main.run(
        args,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private static Command echo() {
    return new Command() {
      @Override
      public void run(String[] args, PrintStream out) {
        if (args.length == 0) {
          throw new UsageException("an argument is required");
        }
        if (args[0].equals("boom")) {
          throw new IllegalStateException("exploded");
        }
        out.println("echo " + String.join(" ", args));
      }

      @Override
      public String usage() {
        return "usage: echo ARG";
      }
    };
  }

  @Test
  void dispatchesToTheNamedSubcommand() {
    assertThat(run(new Main().register("echo", echo()), "echo", "a", "b")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("echo a b");
  }

  @Test
  void helpPrintsTheUsageAndRunsNothing() {
    Main main = new Main().register("echo", echo());
    assertThat(run(main, "echo", "boom", "--help")).isZero();
    assertThat(run(main, "echo", "-h")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("usage: echo ARG")
        .doesNotContain("echo boom");
    assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
  }

  @Test
  void unknownOrMissingSubcommandExitsTwoNamingTheChoices() {
    Main main = new Main().register("echo", echo());
    assertThat(run(main, "nope")).isEqualTo(2);
    assertThat(run(main)).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("unknown subcommand: nope")
        .contains("no subcommand given")
        .contains("[echo]");
  }

  @Test
  void usageErrorsPrintTheUsageAndFailuresExitOne() {
    Main main = new Main().register("echo", echo());
    assertThat(run(main, "echo")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("an argument is required")
        .contains("usage: echo ARG");
    assertThat(run(main, "echo", "boom")).isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("exploded");
  }
}
