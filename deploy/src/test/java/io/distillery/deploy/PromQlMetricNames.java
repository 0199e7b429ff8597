package io.distillery.deploy;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metric names a PromQL expression selects. Strings, label matchers ({@code {...}}), ranges
 * ({@code [...]}), grouping label lists ({@code by/without/on/ignoring/group_left/group_right
 * (...)}) and Grafana variables are removed first; of the identifiers left, those followed by
 * {@code (} are functions or aggregations and keywords are dropped; the rest are metric names.
 */
final class PromQlMetricNames {

  private static final Pattern STRINGS =
      Pattern.compile("\"(\\\\.|[^\"\\\\])*\"|'(\\\\.|[^'\\\\])*'|`[^`]*`");
  private static final Pattern GROUPING =
      Pattern.compile("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
  private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Set<String> KEYWORDS =
      Set.of(
          "and",
          "or",
          "unless",
          "by",
          "without",
          "on",
          "ignoring",
          "group_left",
          "group_right",
          "offset",
          "bool",
          "inf",
          "nan",
          "atan2",
          "start",
          "end");

  private PromQlMetricNames() {}

  static Set<String> of(String expr) {
    String s = STRINGS.matcher(expr).replaceAll("\"\"");
    s = s.replaceAll("\\{[^}]*\\}", " ");
    s = s.replaceAll("\\[[^\\]]*\\]", " ");
    s = GROUPING.matcher(s).replaceAll(" ");
    s = s.replaceAll("\\$\\{?[A-Za-z0-9_]+\\}?", " ");
    Set<String> names = new LinkedHashSet<>();
    Matcher m = IDENTIFIER.matcher(s);
    while (m.find()) {
      String id = m.group();
      boolean partOfNumber = m.start() > 0 && Character.isDigit(s.charAt(m.start() - 1));
      int next = m.end();
      while (next < s.length() && Character.isWhitespace(s.charAt(next))) {
        next++;
      }
      boolean call = next < s.length() && s.charAt(next) == '(';
      if (!call && !partOfNumber && !KEYWORDS.contains(id.toLowerCase())) {
        names.add(id);
      }
    }
    return names;
  }
}
