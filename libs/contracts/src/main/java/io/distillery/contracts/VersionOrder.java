package io.distillery.contracts;

import java.math.BigInteger;
import java.util.Comparator;

/**
 * The one order of teacher and model versions that every service uses to pick the "latest":
 * numerically when both are integers ("10" after "9"), lexically otherwise, with integers before
 * non-integers ("s42-n800" is newer than "1") [our choice: the demo and the trainer publish integer
 * versions, protocol runs and uploads use tags such as {@code s42-n800-<hash>} or dates]. A total
 * order (transitive), unlike a numeric-else-lexical comparison, where 9 < 10 < "10a" < 9.
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
