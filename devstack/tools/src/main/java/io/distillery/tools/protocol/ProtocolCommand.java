package io.distillery.tools.protocol;

import io.distillery.tools.Command;
import io.distillery.tools.Options;
import io.distillery.tools.UsageException;
import io.distillery.tools.stack.Stack;
import io.distillery.tools.stack.StackInfo;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;

/**
 * {@code ./distillery eval --protocol <name> [--budget 600steps|20m] [--out DIR] [--seed N]}: runs
 * one of the {@link Protocols} on the stack running under the repository root (the {@code
 * distillery} script starts it first, like the demo) with {@link ProtocolRunner}, writes the {@link
 * ProtocolReport} files and prints its table. Registered as {@code eval-protocol}.
 */
public final class ProtocolCommand implements Command {

  /**
   * A protocol's budget figures.
   *
   * @param defaultBudget [our choice] the {@code --budget} when none is given, in steps per job so
   *     that a run is reproducible; each was run end to end on this 2-core machine within 60
   *     minutes (docs/results.md)
   * @param planning how a time budget ({@code --budget 45m}) becomes steps, from the protocol runs
   *     of docs/results.md on this 2-core machine: fixed seconds = the run's wall time minus its
   *     jobs' training time, seconds per step = all its jobs' training time over the steps per job
   */
  record BudgetFigures(String defaultBudget, Budget.Planning planning) {}

  /**
   * The figures of every protocol. Planning: mskd-btcv, unpaired-ct-mr and cross-teaching from
   * their 800-step runs, machine otherwise idle (cross-teaching's supervised arm was reused there;
   * its 288 s from the mskd-btcv run are counted in); ms-kd-btcv from its 400-step run under load
   * 14-32, so a time budget there plans fewer steps than an idle machine would fit.
   */
  static final Map<String, BudgetFigures> BUDGETS =
      Map.of(
          "ms-kd-btcv", new BudgetFigures("400steps", new Budget.Planning(348, 7.52)),
          "mskd-btcv", new BudgetFigures("800steps", new Budget.Planning(66, 1.37)),
          "unpaired-ct-mr", new BudgetFigures("800steps", new Budget.Planning(52, 1.79)),
          "cross-teaching", new BudgetFigures("800steps", new Budget.Planning(249, 2.62)));

  /** What {@code args} asked for. */
  record Arguments(
      String protocol,
      String budget,
      Path out,
      long seed,
      Path data,
      Path root,
      Duration waitLimit) {}

  @Override
  public void run(String[] args, PrintStream out) throws Exception {
    Arguments a = parse(args);
    if (a.data() == null || !Files.isDirectory(a.data())) {
      throw new UsageException(
          "the data folder " + a.data() + " is missing (--data DIR, default ../shared/data)");
    }
    String version = Long.toString(Instant.now().getEpochSecond());
    Budget budget = Budget.parse(a.budget(), BUDGETS.get(a.protocol()).planning());
    Protocol protocol = Protocols.define(a.protocol(), budget, a.seed(), version);
    Path dir =
        a.out() != null
            ? a.out()
            : a.root().resolve(".distillery/eval/" + a.protocol() + "-" + version);
    out.printf(
        Locale.ROOT,
        "protocol %s: %d jobs, budget %s, seed %d, run %s, report in %s%n",
        protocol.name(),
        protocol.jobs().size(),
        budget.describe(),
        a.seed(),
        version,
        dir);
    ProtocolReport report;
    try (Stack stack = Stack.connect(a.root())) {
      report =
          new ProtocolRunner(protocol, a.data(), out, a.waitLimit())
              .run(stack, "./distillery eval " + String.join(" ", args));
    }
    report.write(dir);
    report.print(out);
    out.println("report: " + dir.resolve("report.md"));
  }

  static Arguments parse(String[] args) {
    String protocol = null;
    String budget = null;
    Path outDir = null;
    long seed = 42;
    String shared = System.getProperty("distillery.shared.data");
    Path data = shared == null ? null : Path.of(shared);
    Path root = StackInfo.root();
    Duration waitLimit = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--protocol" -> protocol = Options.value(args, ++i, "--protocol");
        case "--budget" -> budget = Options.value(args, ++i, "--budget");
        case "--out" ->
            outDir = Path.of(Options.value(args, ++i, "--out")).toAbsolutePath().normalize();
        case "--seed" -> {
          String s = Options.value(args, ++i, "--seed");
          try {
            seed = Long.parseLong(s);
          } catch (NumberFormatException e) {
            throw new UsageException("--seed " + s + " is not an integer");
          }
        }
        case "--data" -> data = Path.of(Options.value(args, ++i, "--data"));
        case "--root" ->
            root = Path.of(Options.value(args, ++i, "--root")).toAbsolutePath().normalize();
        case "--wait-limit" -> {
          String w = Options.value(args, ++i, "--wait-limit");
          try {
            waitLimit =
                Duration.ofSeconds(
                    Math.round(Double.parseDouble(w.replaceAll("m(in)?$", "")) * 60));
          } catch (NumberFormatException e) {
            throw new UsageException("--wait-limit " + w + " is not a number of minutes");
          }
        }
        case "--keep-running" -> {
          // Handled by the distillery script (the stack it started is left running).
        }
        default -> throw new UsageException("unknown option '" + args[i] + "'");
      }
    }
    if (protocol == null) {
      throw new UsageException("--protocol is required: one of " + Protocols.NAMES);
    }
    if (!Protocols.NAMES.contains(protocol)) {
      throw new UsageException("unknown protocol '" + protocol + "'; one of " + Protocols.NAMES);
    }
    if (budget == null) {
      budget = BUDGETS.get(protocol).defaultBudget();
    }
    Budget.parse(budget, BUDGETS.get(protocol).planning());
    return new Arguments(protocol, budget, outDir, seed, data, root, waitLimit);
  }

  @Override
  public String usage() {
    return String.join(
        "\n",
        "usage: ./distillery eval --protocol NAME [--budget 600steps|20m] [--out DIR] [--seed N]",
        "  --protocol NAME  " + String.join(", ", Protocols.NAMES),
        "  --budget B       steps per training job (600steps), or total minutes (45m) turned into",
        "                   steps with the protocol's measured time per step; default "
            + String.join(
                ", ",
                Protocols.NAMES.stream()
                    .map(n -> n + " " + BUDGETS.get(n).defaultBudget())
                    .toList()),
        "  --out DIR        where report.json, report.md and the PNG plots go",
        "                   (default .distillery/eval/<protocol>-<run>)",
        "  --seed N         seed of every job (default 42)",
        "  --data DIR       the data folder (default ../shared/data)",
        "  --wait-limit M   stop waiting for training and soft labels after M minutes in all;",
        "                   unfinished jobs are reported, published models still scored",
        "  --keep-running   leave the stack running afterwards");
  }
}
