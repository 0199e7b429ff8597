package io.distillery.tools;

import java.io.PrintStream;

/** One subcommand of the tools ({@code demo}, {@code eval}, {@code bench}). */
public interface Command {

  /**
   * Runs the subcommand.
   *
   * @param args the arguments after the subcommand's name
   * @param out where the subcommand prints its progress and tables
   * @throws UsageException when the arguments are wrong (the usage is printed)
   * @throws Exception any other failure, reported with exit status 1
   */
  void run(String[] args, PrintStream out) throws Exception;

  /** One or more lines describing the arguments. */
  String usage();
}
