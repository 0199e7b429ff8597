package io.distillery.tools.bench;

import static io.distillery.tools.bench.BenchSection.f;

import io.distillery.segml.engine.InferenceEngine;
import io.distillery.segpipeline.ModelOpener;
import io.distillery.segpipeline.SegmentationModel;
import io.distillery.segpipeline.SegmentationPipeline;
import io.distillery.tools.eval.EngineOptions;
import io.distillery.tools.eval.ModelSource;
import io.distillery.volumeio.Volume;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Model timing through the inference-service's {@link SegmentationPipeline}, per case: the student
 * against the sum of the teachers (the ensemble a student replaces), both on the same engine, and
 * the student on ONNX Runtime against DJL PyTorch. Each model runs once untimed on the first case
 * (engine start, JIT), then {@code reps} timed runs per case are averaged.
 */
final class ModelBench {

  /** A case to segment. */
  record Case(String id, Volume image) {}

  private final EngineOptions options;
  private final int reps;
  private final PrintStream progress;

  ModelBench(EngineOptions engine, int reps, PrintStream progress) {
    this.options = engine;
    this.reps = reps;
    this.progress = progress;
  }

  List<BenchSection> run(
      ModelSource.Resolved student, List<ModelSource.Resolved> teachers, List<Case> cases) {
    SegmentationPipeline pipeline = options.pipeline();
    List<SegmentationModel> open = new ArrayList<>();
    try {
      SegmentationModel ort = open(student, InferenceEngine.ONNX_RUNTIME, open);
      SegmentationModel djl = open(student, InferenceEngine.PYTORCH, open);
      List<SegmentationModel> teacherModels = new ArrayList<>();
      for (ModelSource.Resolved t : teachers) {
        // The same engine as the student's, so the ratio is about the models alone.
        teacherModels.add(open(t, ort.engine(), open));
      }
      for (SegmentationModel m : open) {
        time(pipeline, m, cases.get(0).image(), 1); // warm-up
      }
      BenchSection ensemble =
          new BenchSection(
              f(
                  "student vs teacher ensemble (%d teachers, %s)",
                  teachers.size(), ort.engine().djlName()),
              "case",
              "voxels",
              "student (s)",
              "teachers, sum (s)",
              "teachers / student");
      BenchSection engines =
          new BenchSection(
              "ONNX Runtime vs DJL PyTorch (the student)",
              "case",
              "ONNX Runtime (s)",
              "DJL PyTorch (s)",
              "PyTorch / ONNX Runtime");
      double sumStudent = 0;
      double sumTeachers = 0;
      double sumDjl = 0;
      List<Map<String, Object>> perCase = new ArrayList<>();
      for (Case c : cases) {
        double s = time(pipeline, ort, c.image(), reps);
        double t = 0;
        for (SegmentationModel m : teacherModels) {
          t += time(pipeline, m, c.image(), reps);
        }
        double d = time(pipeline, djl, c.image(), reps);
        sumStudent += s;
        sumTeachers += t;
        sumDjl += d;
        ensemble.row(
            c.id(),
            Integer.toString(c.image().grid().size()),
            f("%.2f", s),
            f("%.2f", t),
            f("%.2f", t / s));
        engines.row(c.id(), f("%.2f", s), f("%.2f", d), f("%.2f", d / s));
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("case", c.id());
        row.put("studentSeconds", s);
        row.put("teachersSeconds", t);
        row.put("studentPyTorchSeconds", d);
        perCase.add(row);
        progress.printf(
            "  %s: student %.2f s, teachers %.2f s, student on PyTorch %.2f s%n", c.id(), s, t, d);
      }
      ensemble.row(
          "**all**",
          "",
          f("%.2f", sumStudent),
          f("%.2f", sumTeachers),
          f("%.2f", sumTeachers / sumStudent));
      engines.row(
          "**all**", f("%.2f", sumStudent), f("%.2f", sumDjl), f("%.2f", sumDjl / sumStudent));
      ensemble
          .value("student", student.location())
          .value("teachers", teachers.stream().map(ModelSource.Resolved::location).toList())
          .value("engine", ort.engine().djlName())
          .value("cases", perCase)
          .value("teachersOverStudent", sumTeachers / sumStudent)
          .note(
              f(
                  "Pipeline wall time per case (reorient, resample, normalise, sliding window, argmax,"
                      + " back to the case's grid), mean of %d run(s) after one warm-up; %d intra-op"
                      + " threads, %d window(s) per engine call.",
                  reps, options.threads(), options.windowsPerBatch()));
      engines.value("pyTorchOverOnnxRuntime", sumDjl / sumStudent).value("cases", perCase);
      return List.of(ensemble, engines);
    } finally {
      open.forEach(SegmentationModel::close);
    }
  }

  private SegmentationModel open(
      ModelSource.Resolved r, InferenceEngine engine, List<SegmentationModel> open) {
    SegmentationModel m =
        new ModelOpener(List.of(engine), options.threads(), options.windowsPerBatch(), null)
            .open(r.name(), r.version(), r.directory());
    open.add(m);
    return m;
  }

  private static double time(
      SegmentationPipeline pipeline, SegmentationModel model, Volume image, int reps) {
    long t0 = System.nanoTime();
    for (int i = 0; i < reps; i++) {
      pipeline.run(image, model, null, false);
    }
    return (System.nanoTime() - t0) / 1e9 / reps;
  }
}
