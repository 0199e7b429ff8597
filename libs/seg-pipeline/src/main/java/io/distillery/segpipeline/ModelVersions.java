package io.distillery.segpipeline;

import java.math.BigInteger;
import java.util.Comparator;

/**
 * The order of a model's versions, so that "latest" means the same to the inference-service and to
 * the tools: numeric when both are numbers (so "10" follows "9"), otherwise segment-wise on digit
 * and non-digit runs, then lexicographic.
 */
public final class ModelVersions {

  /** Oldest first. */
  public static final Comparator<String> ORDER = ModelVersions::compare;

  private ModelVersions() {}

  private static int compare(String a, String b) {
    String[] x = a.split("(?<=\\d)(?=\\D)|(?<=\\D)(?=\\d)");
    String[] y = b.split("(?<=\\d)(?=\\D)|(?<=\\D)(?=\\d)");
    for (int i = 0; i < Math.min(x.length, y.length); i++) {
      boolean numeric =
          !x[i].isEmpty()
              && !y[i].isEmpty()
              && Character.isDigit(x[i].charAt(0))
              && Character.isDigit(y[i].charAt(0));
      int c = numeric ? new BigInteger(x[i]).compareTo(new BigInteger(y[i])) : x[i].compareTo(y[i]);
      if (c != 0) {
        return c;
      }
    }
    return x.length != y.length ? Integer.compare(x.length, y.length) : a.compareTo(b);
  }
}
