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
 * {@code ./distillery eval --protocol <name> [--budget 600steps|8m/job|60m] [--out DIR] [--seed
 * N]}: runs one of the {@link Protocols} on the stack running under the repository root (the {@code
 * distillery} script starts it first, like the demo) with {@link ProtocolRunner}, writes the {@link
 * ProtocolReport} files and prints its table. Registered as {@code eval-protocol}.
 */
public final class ProtocolCommand implements Command {

  /**
   * A protocol's budget figures.
   *
   * @param defaultBudget [our choice] the {@code --budget} when none is given: minutes per training
   *     job, planned into steps by the trainer (the recipe's grid, docs/quality.md)
   * @param planning the fixed time of a run, to share a total time ({@code --budget 60m}) among the
   *     training jobs: the run's wall time minus its jobs' training time in the protocol runs of
   *     docs/results.md on this 2-core machine (measured on the earlier 4 mm / 32³ grid; the soft
   *     labels of the 3 mm grid take longer)
   */
  record BudgetFigures(String defaultBudget, Budget.Planning planning) {}

  /**
   * The figures of every protocol: mskd-btcv, unpaired-ct-mr and cross-teaching from their 800-step
   * runs, ms-kd-btcv from its 400-step run under load.
   */
  static final Map<String, BudgetFigures> BUDGETS =
      Map.of(
          "ms-kd-btcv", new BudgetFigures("8m/job", new Budget.Planning(348)),
          "mskd-btcv", new BudgetFigures("8m/job", new Budget.Planning(66)),
          "unpaired-ct-mr", new BudgetFigures("8m/job", new Budget.Planning(52)),
          "cross-teaching", new BudgetFigures("8m/job", new Budget.Planning(249)));

  /** The training jobs of {@code protocol}, over which a total time is shared. */
  static int trainingJobs(String protocol, long seed) {
    return Protocols.define(protocol, Budget.steps(1), seed, "0").jobs().size();
  }

  /** What {@code args} asked for. */
  record Arguments(
      String protocol,
      String budget,
      Path out,
      long seed,
      Path data,
      Path root,
      Duration waitLimit,
      Reuse reuse) {}

  @Override
  public void run(String[] args, PrintStream out) throws Exception {
    Arguments a = parse(args);
    if (a.data() == null || !Files.isDirectory(a.data())) {
      throw new UsageException(
          "the data folder " + a.data() + " is missing (--data DIR, default ../shared/data)");
    }
    String version = Long.toString(Instant.now().getEpochSecond());
    Budget budget =
        Budget.parse(
            a.budget(), BUDGETS.get(a.protocol()).planning(), trainingJobs(a.protocol(), a.seed()));
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
          new ProtocolRunner(protocol, a.data(), out, a.waitLimit(), a.reuse(), version)
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
    Reuse reuse = Reuse.TEACHERS;
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
        case "--reuse" -> reuse = Reuse.parse(Options.value(args, ++i, "--reuse"));
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
    Budget.parse(budget, BUDGETS.get(protocol).planning(), trainingJobs(protocol, seed));
    return new Arguments(protocol, budget, outDir, seed, data, root, waitLimit, reuse);
  }

  @Override
  public String usage() {
    return String.join(
        "\n",
        "usage: ./distillery eval --protocol NAME [--budget 600steps|8m/job|60m] [--out DIR]"
            + " [--seed N] [--reuse none|teachers|all]",
        "  --protocol NAME  " + String.join(", ", Protocols.NAMES),
        "  --budget B       steps per training job (600steps), minutes per training job (8m/job)",
        "                   or minutes in all (60m, shared by the training jobs after the",
        "                   protocol's fixed time); the trainer plans a time budget's steps from",
        "                   its measured step time; default "
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
        "  --reuse R        teachers (default): reuse teachers and baselines whose resolved spec",
        "                   (the trainer's defaults included) matches a stored model; all: students",
        "                   too, so running the same command again resumes an interrupted run;",
        "                   none: train everything again",
        "  --keep-running   leave the stack running afterwards");
  }
}
