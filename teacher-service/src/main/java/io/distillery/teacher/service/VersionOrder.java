package io.distillery.teacher.service;

import java.math.BigInteger;
import java.util.Comparator;

/**
 * Orders teacher versions: numerically when both are integers ("10" after "9"), lexically
 * otherwise, with integers before non-integers [our choice: trainers publish integer versions,
 * uploads may use dates or tags].
 */
public final class VersionOrder implements Comparator<String> {

  /** The shared instance. */
  public static final VersionOrder INSTANCE = new VersionOrder();

  private VersionOrder() {}

  @Override
  public int compare(String a, String b) {
    boolean na = a.chars().allMatch(Character::isDigit);
    boolean nb = b.chars().allMatch(Character::isDigit);
    if (na && nb) {
      return new BigInteger(a).compareTo(new BigInteger(b));
    }
    if (na != nb) {
      return na ? -1 : 1;
    }
    return a.compareTo(b);
  }
}
