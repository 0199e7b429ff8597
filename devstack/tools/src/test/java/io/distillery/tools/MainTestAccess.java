package io.distillery.tools;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Lets tests in sub-packages run commands through {@link Main}'s dispatch and exit statuses. */
public final class MainTestAccess {

  private MainTestAccess() {}

  /** A dispatcher with one command. */
  public static Main with(String name, Command command) {
    return new Main().register(name, command);
  }

  /** Runs {@code args}; stdout is discarded, stderr goes to {@code err}; returns the status. */
  public static int run(Main main, OutputStream err, String... args) {
    return main.run(
        args,
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }
}
