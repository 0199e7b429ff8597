package io.distillery.tools.protocol;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One evaluation protocol: the dataset folders it ingests, the training jobs it submits to the
 * student-trainer (job specs of student-trainer/README.md, in submission order), the held-out
 * validation cases it segments through the inference-service and how their label values map to the
 * models' classes.
 *
 * @param name the protocol's name ({@code ms-kd-btcv}, ...)
 * @param title one line saying what it compares
 * @param seed the seed of every job
 * @param budget the training budget
 * @param data the training datasets, each a slice of a folder under the data directory
 * @param validation the held-out cases scored through the inference REST API
 * @param organLabels class name → the label values of that organ in the validation files
 * @param jobs the training jobs, in submission order
 * @param notRun arms of the protocol the platform cannot run yet, each with the reason
 */
public record Protocol(
    String name,
    String title,
    long seed,
    Budget budget,
    List<DataUse> data,
    DataUse validation,
    Map<String, Set<Integer>> organLabels,
    List<Job> jobs,
    List<String> notRun) {

  public Protocol {
    data = List.copyOf(data);
    jobs = List.copyOf(jobs);
    notRun = List.copyOf(notRun);
  }

  /**
   * A slice of one dataset folder ingested under one dataset id and split.
   *
   * @param datasetId the platform's dataset id (the folder's name)
   * @param folder the folder under the data directory
   * @param modality {@code CT} or {@code MR}
   * @param split the split the volumes are ingested as
   * @param from first case (in the order of the folder's {@code dataset.json}), inclusive
   * @param to last case, exclusive; -1 for all remaining
   */
  public record DataUse(
      String datasetId, String folder, String modality, String split, int from, int to) {

    /** The whole folder. */
    public static DataUse all(String folder, String modality, String split) {
      return new DataUse(folder, folder, modality, split, 0, -1);
    }

    /** The selected slice of {@code cases}. */
    public <T> List<T> select(List<T> cases) {
      int end = to < 0 ? cases.size() : Math.min(to, cases.size());
      return new ArrayList<>(cases.subList(Math.min(from, end), end));
    }
  }

  /** What a job publishes. */
  public enum Role {
    /** A {@code kind: teacher} job: {@code TeacherModelPublished}; reused by name@version. */
    TEACHER,
    /**
     * A distillation or co-training job: {@code StudentModelPublished} (cross-teaching-online with
     * {@code publishTeachers} also its two teachers, see {@link Job#publishedTeachers()}).
     */
    STUDENT
  }

  /**
   * One training job.
   *
   * @param key short name of the arm in the report ({@code teacher-liver}, {@code ms-kd}, ...)
   * @param role what it publishes
   * @param spec the job spec sent to {@code POST /api/v1/jobs}
   * @param evaluated whether its model is scored on the validation cases
   * @param arm what the arm is, for the report
   */
  public record Job(String key, Role role, ObjectNode spec, boolean evaluated, String arm) {

    /** The job id of the spec. */
    public String jobId() {
      return spec.path("jobId").asText();
    }

    /** The published model's name (teacher id for teachers). */
    public String modelName() {
      return spec.path("modelName").asText();
    }

    /** The published model's version. */
    public String modelVersion() {
      return spec.path("modelVersion").asText();
    }

    /** The classes of the model, background first. */
    public List<String> classes() {
      List<String> out = new ArrayList<>();
      spec.path("classes").forEach(c -> out.add(c.asText()));
      return out;
    }

    /** {@code kind/method}. */
    public String method() {
      return spec.path("kind").asText() + "/" + spec.path("method").asText("supervised");
    }

    /** Teacher references ({@code id@version}) the job distils from. */
    public List<String> teacherRefs() {
      List<String> out = new ArrayList<>();
      spec.path("teachers").forEach(t -> out.add(t.asText()));
      return out;
    }

    /**
     * Teachers ({@code id@version}) the job publishes besides its own model:
     * cross-teaching-online's {@code publishTeachers} at the job's version; empty for other jobs.
     */
    public List<String> publishedTeachers() {
      List<String> out = new ArrayList<>();
      spec.path("publishTeachers").forEach(t -> out.add(t.asText() + "@" + modelVersion()));
      return out;
    }

    /** The {@code (datasetId, split)} selections the job trains on, unlabelled pool included. */
    public List<String[]> trainingSelections() {
      List<String[]> out = new ArrayList<>();
      for (String field : List.of("datasets", "unlabelled")) {
        String defaultSplit = field.equals("datasets") ? "train" : "unlabelled";
        spec.path(field)
            .forEach(
                d ->
                    out.add(
                        new String[] {
                          d.path("id").asText(), d.path("split").asText(defaultSplit)
                        }));
      }
      return out;
    }
  }
}
