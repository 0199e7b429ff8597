package io.distillery.tools;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code --name value} and {@code --flag} arguments of a subcommand. Every problem (an unknown
 * option, a missing value, a number that is not one) is a {@link UsageException} naming the option.
 */
public final class Options {

  private final Map<String, String> values = new LinkedHashMap<>();

  private Options() {}

  /**
   * Parses {@code args}.
   *
   * @param valued options that take a value (without {@code --})
   * @param flags options without a value
   */
  public static Options parse(String[] args, Set<String> valued, Set<String> flags) {
    Options o = new Options();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (!a.startsWith("--")) {
        throw new UsageException("unexpected argument '" + a + "'");
      }
      String name = a.substring(2);
      String inline = null;
      int eq = name.indexOf('=');
      if (eq >= 0) {
        inline = name.substring(eq + 1);
        name = name.substring(0, eq);
      }
      if (flags.contains(name) && inline == null) {
        o.values.put(name, "true");
      } else if (valued.contains(name)) {
        if (inline == null) {
          inline = value(args, ++i, "--" + name);
        }
        o.values.put(name, inline);
      } else {
        throw new UsageException("unknown option --" + name);
      }
    }
    return o;
  }

  /**
   * {@code args[i]}, the value of {@code option} (for commands that read their arguments one by
   * one).
   *
   * @throws UsageException saying that {@code option} needs a value when there is no {@code
   *     args[i]}
   */
  public static String value(String[] args, int i, String option) {
    if (i >= args.length) {
      throw new UsageException(option + " needs a value");
    }
    return args[i];
  }

  /** The value of {@code --name}, if given. */
  public Optional<String> get(String name) {
    return Optional.ofNullable(values.get(name));
  }

  /** The value of a required {@code --name}. */
  public String require(String name) {
    return get(name).orElseThrow(() -> new UsageException("--" + name + " is required"));
  }

  /** The value of {@code --name} as a path, if given. */
  public Optional<Path> path(String name) {
    return get(name).map(Path::of);
  }

  /**
   * The value of {@code --name} as an existing directory, if given.
   *
   * @throws UsageException when the value is not a directory
   */
  public Optional<Path> directory(String name) {
    return path(name).map(p -> directory(name, p));
  }

  /**
   * The value of a required {@code --name} as an existing directory.
   *
   * @throws UsageException when the option is missing or its value is not a directory
   */
  public Path requireDirectory(String name) {
    return directory(name, Path.of(require(name)));
  }

  private static Path directory(String name, Path path) {
    if (!Files.isDirectory(path)) {
      throw new UsageException("--" + name + " " + path + " is not a directory");
    }
    return path;
  }

  /** Whether {@code --name} was given. */
  public boolean has(String name) {
    return values.containsKey(name);
  }

  /** An integer option of at least {@code min}. */
  public int intValue(String name, int defaultValue, int min) {
    String v = values.get(name);
    if (v == null) {
      return defaultValue;
    }
    try {
      int n = Integer.parseInt(v.trim());
      if (n < min) {
        throw new UsageException("--" + name + " must be >= " + min + ", got " + v);
      }
      return n;
    } catch (NumberFormatException e) {
      throw new UsageException("--" + name + " must be an integer, got '" + v + "'");
    }
  }

  /** A non-negative number option. */
  public double doubleValue(String name, double defaultValue) {
    String v = values.get(name);
    if (v == null) {
      return defaultValue;
    }
    try {
      double d = Double.parseDouble(v.trim());
      if (!(d >= 0)) {
        throw new UsageException("--" + name + " must be >= 0, got " + v);
      }
      return d;
    } catch (NumberFormatException e) {
      throw new UsageException("--" + name + " must be a number, got '" + v + "'");
    }
  }
}
