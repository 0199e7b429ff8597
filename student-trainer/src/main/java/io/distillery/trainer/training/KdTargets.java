package io.distillery.trainer.training;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * The per-voxel target distribution of vanilla KD ({@code kd}) over the job's classes, built from
 * the stored probabilities of one or several teachers whose classes together cover the job's
 * foreground classes (for example four single-organ teachers for a four-organ student).
 *
 * <p>[our choice] With teachers k = 1…K, each storing the probabilities p<sub>k,ch</sub> of its own
 * channels:
 *
 * <ul>
 *   <li>foreground class c: q<sub>c</sub> = the probability of the teacher that stores c, the mean
 *       over the teachers when several store it;
 *   <li>background: q<sub>0</sub> = Π<sub>k</sub> b<sub>k</sub>, the product over all teachers of
 *       each teacher's background probability b<sub>k</sub> — its stored background channel, or,
 *       for a teacher that stores only its foreground channels (the teacher-service's default for a
 *       two-class teacher stores just the organ), b<sub>k</sub> = clamp(1 − Σ<sub>ch</sub>
 *       p<sub>k,ch</sub>, 0, 1) over all its stored channels;
 *   <li>then renormalised over the job classes: t<sub>c</sub> = q<sub>c</sub> / max(Σ<sub>j</sub>
 *       q<sub>j</sub>, {@link #EPSILON}), so a voxel where every q is 0 keeps an all-zero target
 *       (it then adds nothing to the KL) instead of dividing by zero.
 * </ul>
 *
 * A teacher's channels that name no job class only enter its background complement. The result is
 * computed once per case at load time into the case's soft-label channels (one per job class, the
 * same layout as a single all-class teacher's), accumulating teacher by teacher, so no per-teacher
 * copy is kept. A job foreground class that no teacher stores is refused ({@link #refusal}) before
 * training, and again per case by {@link #finish()}.
 *
 * <p>One teacher that stores every job class, background included, is not combined: its
 * probabilities are used as stored ({@link SoftLabelMode#ALL_CLASSES}), as vanilla KD always did
 * ({@link #mode}).
 */
public final class KdTargets {
  /** Floor of the renormalising sum. */
  public static final float EPSILON = 1e-6f;

  private final List<String> classes;
  private final int voxels;
  private final float[] target;
  private final int[] covered;
  private final List<String> teachers = new ArrayList<>();

  /**
   * An empty combination.
   *
   * @param classes job classes, background first
   * @param voxels voxels of the training grid
   */
  public KdTargets(List<String> classes, int voxels) {
    this.classes = List.copyOf(classes);
    this.voxels = voxels;
    this.target = new float[classes.size() * voxels];
    this.covered = new int[classes.size()];
    java.util.Arrays.fill(target, 0, voxels, 1f);
  }

  /**
   * Adds one teacher's stored probabilities.
   *
   * @param teacher the teacher ({@code id@version}), for messages
   * @param channels class name of each stored channel, in order
   * @param channel channel index → its probabilities on the training grid ({@code voxels} values);
   *     asked at most once per channel, and only for the channels that are needed
   */
  public void add(String teacher, List<String> channels, IntFunction<float[]> channel) {
    String background = classes.get(0);
    boolean storesBackground = channels.contains(background);
    float[] storedSum = storesBackground ? null : new float[voxels];
    for (int ch = 0; ch < channels.size(); ch++) {
      int c = classes.indexOf(channels.get(ch));
      if (c < 0 && storesBackground) {
        continue;
      }
      float[] p = channel.apply(ch);
      if (p.length != voxels) {
        throw new TrainingException(
            "channel "
                + channels.get(ch)
                + " of teacher "
                + teacher
                + " has "
                + p.length
                + " voxels on the training grid, expected "
                + voxels);
      }
      if (c == 0) {
        for (int i = 0; i < voxels; i++) {
          target[i] *= p[i];
        }
      } else if (c > 0) {
        int at = c * voxels;
        for (int i = 0; i < voxels; i++) {
          target[at + i] += p[i];
        }
        covered[c]++;
      }
      if (storedSum != null) {
        for (int i = 0; i < voxels; i++) {
          storedSum[i] += p[i];
        }
      }
    }
    if (storedSum != null) {
      for (int i = 0; i < voxels; i++) {
        target[i] *= Math.min(1f, Math.max(0f, 1f - storedSum[i]));
      }
    }
    teachers.add(teacher + " " + channels);
  }

  /**
   * The target {@code C×voxels} (job classes in order): foreground means, background product,
   * renormalised per voxel.
   *
   * @throws TrainingException when no teacher was added or a foreground class has no teacher
   */
  public float[] finish() {
    List<String> missing = new ArrayList<>();
    for (int c = 1; c < classes.size(); c++) {
      if (covered[c] == 0) {
        missing.add(classes.get(c));
      }
    }
    if (teachers.isEmpty() || !missing.isEmpty()) {
      throw new TrainingException(
          "kd: job class(es) "
              + missing
              + " are stored by none of the teachers ("
              + (teachers.isEmpty() ? "none" : String.join(", ", teachers))
              + "); every foreground class of "
              + classes
              + " needs a teacher whose soft labels include it");
    }
    for (int c = 1; c < classes.size(); c++) {
      if (covered[c] > 1) {
        float inv = 1f / covered[c];
        int at = c * voxels;
        for (int i = 0; i < voxels; i++) {
          target[at + i] *= inv;
        }
      }
    }
    for (int i = 0; i < voxels; i++) {
      float sum = 0;
      for (int c = 0; c < classes.size(); c++) {
        sum += target[c * voxels + i];
      }
      float inv = 1f / Math.max(sum, EPSILON);
      for (int c = 0; c < classes.size(); c++) {
        target[c * voxels + i] *= inv;
      }
    }
    return target;
  }

  /**
   * Why {@code kd} cannot train on these teachers, or null: every foreground job class must be
   * stored by at least one teacher.
   *
   * @param classes job classes, background first
   * @param channelsByTeacher each teacher ({@code id@version}) → the class names of its stored
   *     channels (for one volume)
   */
  public static String refusal(List<String> classes, Map<String, List<String>> channelsByTeacher) {
    List<String> missing = new ArrayList<>();
    for (String c : classes.subList(1, classes.size())) {
      if (channelsByTeacher.values().stream().noneMatch(ch -> ch.contains(c))) {
        missing.add(c);
      }
    }
    if (missing.isEmpty()) {
      return null;
    }
    List<String> stores = new ArrayList<>();
    channelsByTeacher.forEach((t, ch) -> stores.add(t + " stores " + ch));
    return "kd: job class(es) "
        + missing
        + " are stored by none of the teachers' soft labels ("
        + (stores.isEmpty() ? "no teachers" : String.join(", ", stores))
        + "); every foreground class of "
        + classes
        + " needs a teacher that covers it";
  }

  /**
   * How {@code kd} arranges these teachers' stored probabilities: {@link SoftLabelMode#ALL_CLASSES}
   * (used as stored, exactly as single-teacher KD always did) for one teacher that stores every job
   * class, background included; otherwise {@link SoftLabelMode#TEACHERS_COMBINED}.
   *
   * @throws TrainingException with {@link #refusal}'s reason when a foreground class is uncovered
   */
  public static SoftLabelMode mode(
      List<String> classes, Map<String, List<String>> channelsByTeacher) {
    String refusal = refusal(classes, channelsByTeacher);
    if (refusal != null) {
      throw new TrainingException(refusal);
    }
    return channelsByTeacher.size() == 1
            && channelsByTeacher.values().iterator().next().containsAll(classes)
        ? SoftLabelMode.ALL_CLASSES
        : SoftLabelMode.TEACHERS_COMBINED;
  }
}
