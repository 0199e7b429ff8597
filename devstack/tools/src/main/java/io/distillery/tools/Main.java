package io.distillery.tools;

import io.distillery.tools.bench.BenchCommand;
import io.distillery.tools.demo.DemoCommand;
import io.distillery.tools.eval.EvalCommand;
import io.distillery.tools.protocol.ProtocolCommand;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Entry point of {@code ./distillery demo | eval | bench}: picks the subcommand by its first
 * argument and hands it the rest. Each subcommand is a {@link Command}; a {@link UsageException}
 * prints the subcommand's usage and exits with status 2, any other failure exits with status 1.
 */
public final class Main {

  private final Map<String, Command> commands = new LinkedHashMap<>();

  Main() {}

  /** Registers a subcommand under {@code name}. */
  Main register(String name, Command command) {
    commands.put(name, command);
    return this;
  }

  /** Runs {@code args}; returns the process exit status. */
  int run(String[] args, PrintStream out, PrintStream err) {
    if (args.length == 0 || !commands.containsKey(args[0])) {
      err.println(
          (args.length == 0 ? "no subcommand given" : "unknown subcommand: " + args[0])
              + "; expected one of "
              + commands.keySet());
      return 2;
    }
    Command command = commands.get(args[0]);
    if (Arrays.asList(args).subList(1, args.length).stream()
        .anyMatch(a -> a.equals("--help") || a.equals("-h"))) {
      out.println(command.usage());
      return 0;
    }
    try {
      command.run(Arrays.copyOfRange(args, 1, args.length), out);
      return 0;
    } catch (UsageException e) {
      err.println(args[0] + ": " + e.getMessage());
      err.println(command.usage());
      return 2;
    } catch (Exception e) {
      err.println(args[0] + " failed: " + e);
      return 1;
    }
  }

  /** The subcommands of this build. */
  static Main standard() {
    return new Main()
        .register("demo", new DemoCommand())
        .register("eval", new EvalCommand())
        .register("eval-protocol", new ProtocolCommand())
        .register("bench", new BenchCommand());
  }

  public static void main(String[] args) {
    System.exit(standard().run(args, System.out, System.err));
  }
}
