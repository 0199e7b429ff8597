package io.distillery.tools.demo;

import io.distillery.tools.Command;
import io.distillery.tools.Options;
import io.distillery.tools.UsageException;
import io.distillery.tools.stack.Stack;
import io.distillery.tools.stack.StackException;
import io.distillery.tools.stack.StackInfo;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * {@code ./distillery demo}: runs {@link Demo} on the stack running under the repository root (the
 * {@code distillery} script starts it first and stops it afterwards unless {@code --keep-running})
 * and prints its table. Exits with status 1, after the table, when the student could not be
 * produced.
 */
public final class DemoCommand implements Command {

  /** What {@code args} asked for. */
  record Arguments(
      DemoPreset preset, boolean synthetic, Path data, Path root, boolean keepRunning) {}

  @Override
  public void run(String[] args, PrintStream out) throws Exception {
    Arguments a = parse(args);
    DemoData data;
    Path work = a.root().resolve(".distillery/demo");
    DemoPreset preset = a.preset();
    if (!a.synthetic() && DemoData.realDataPresent(a.data())) {
      preset = preset.forRealData();
      data = DemoData.real(a.data(), preset);
    } else {
      if (!a.synthetic()) {
        out.println(
            "No BTCV folders under "
                + a.data()
                + " (btcv-liver, -spleen, -kidney, -pancreas, -unlabeled, -multiorgan-val):"
                + " using synthetic phantoms instead.");
      }
      out.println("Writing synthetic phantoms (libs/phantoms) under " + work + " ...");
      data = DemoData.synthetic(work, preset);
    }
    Double stackSeconds = null;
    String started = System.getenv("DISTILLERY_DEMO_STACK_SECONDS");
    if (started != null && !started.isBlank()) {
      stackSeconds = Double.parseDouble(started);
    }
    DemoReport report;
    try (Stack stack = Stack.connect(a.root())) {
      report = new Demo(new Demo.Options(preset, data, stackSeconds), out).run(stack);
    }
    report.print(out);
    if (report.studentFailure() != null) {
      throw new StackException("the MS-KD student was not produced: " + report.studentFailure());
    }
  }

  static Arguments parse(String[] args) {
    DemoPreset preset = DemoPreset.DEFAULT;
    boolean synthetic = false;
    boolean keepRunning = false;
    String shared = System.getProperty("distillery.shared.data");
    Path data = shared == null ? null : Path.of(shared);
    Path root = StackInfo.root();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--quick" -> preset = DemoPreset.QUICK;
        case "--synthetic" -> synthetic = true;
        case "--keep-running" -> keepRunning = true;
        case "--data" -> data = Path.of(Options.value(args, ++i, "--data"));
        case "--preset" -> {
          try {
            preset = DemoPreset.named(Options.value(args, ++i, "--preset"));
          } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
          }
        }
        case "--root" ->
            root = Path.of(Options.value(args, ++i, "--root")).toAbsolutePath().normalize();
        default -> throw new UsageException("unknown option '" + args[i] + "'");
      }
    }
    if (data != null && !synthetic && !Files.isDirectory(data) && argsContain(args, "--data")) {
      throw new UsageException("--data " + data + " is not a folder");
    }
    return new Arguments(preset, synthetic, data, root, keepRunning);
  }

  private static boolean argsContain(String[] args, String option) {
    for (String a : args) {
      if (a.equals(option)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String usage() {
    return String.join(
        "\n",
        "usage: ./distillery demo [--quick] [--synthetic] [--data DIR] [--keep-running]",
        "  --quick         the quick preset (synthetic: under 5 minutes)",
        "  --synthetic     synthetic phantoms even when ../shared/data is present",
        "  --data DIR      the folder holding btcv-liver, -spleen, -kidney, -pancreas, -unlabeled,",
        "                  -multiorgan-val (default ../shared/data)",
        "  --keep-running  leave the stack running afterwards (./distillery down stops it)",
        "  --preset NAME   " + String.join(", ", presetNames()) + " (default: default)",
        "  --root DIR      the folder holding .distillery/ (default: the repository)");
  }

  private static java.util.List<String> presetNames() {
    return DemoPreset.all().stream().map(p -> p.name().toLowerCase(Locale.ROOT)).toList();
  }
}
