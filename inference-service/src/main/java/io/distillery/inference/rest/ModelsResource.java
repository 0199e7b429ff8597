package io.distillery.inference.rest;

import io.distillery.inference.LoadedModel;
import io.distillery.inference.service.ModelRegistry;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code GET /api/v1/models}: the models being served, each version with its engine. */
@Path("/api/v1/models")
public class ModelsResource {

  @Inject ModelRegistry registry;

  /**
   * One served version.
   *
   * @param version version
   * @param latest whether requests without a version get it
   * @param engine engine running it ({@code TensorRT}, {@code OnnxRuntime}, {@code PyTorch})
   * @param skippedEngines why each preferred engine was not used
   * @param modalities norm sets (query parameter {@code modality})
   * @param labelNames class names by output channel, background first
   * @param inferenceMode {@code sliding-window} or {@code coarse-to-fine}
   * @param roiSize window D, H, W
   * @param spacingMm spacing D, H, W the network runs at
   * @param inFlight requests holding this version now
   * @param loadedAt when it was loaded
   */
  public record VersionView(
      String version,
      boolean latest,
      String engine,
      Map<String, String> skippedEngines,
      List<String> modalities,
      List<String> labelNames,
      String inferenceMode,
      int[] roiSize,
      double[] spacingMm,
      int inFlight,
      Instant loadedAt) {}

  /**
   * A served model.
   *
   * @param name model name
   * @param versions loaded versions, oldest first
   */
  public record ModelView(String name, List<VersionView> versions) {}

  @GET
  @Produces(MediaType.APPLICATION_JSON)
  public List<ModelView> list() {
    List<ModelView> out = new ArrayList<>();
    registry
        .snapshot()
        .forEach(
            (name, versions) -> {
              List<VersionView> views = new ArrayList<>();
              for (int i = 0; i < versions.size(); i++) {
                LoadedModel m = versions.get(i);
                Map<String, String> skipped = new LinkedHashMap<>();
                m.skippedEngines().forEach((e, why) -> skipped.put(e.djlName(), why));
                views.add(
                    new VersionView(
                        m.version(),
                        i == versions.size() - 1,
                        m.engine().djlName(),
                        skipped,
                        m.modalities(),
                        m.card().labelNames(),
                        m.card().preprocessing().inferenceMode(),
                        m.card().preprocessing().roiSize(),
                        m.card().preprocessing().targetSpacingMm(),
                        m.inFlight(),
                        m.loadedAt()));
              }
              out.add(new ModelView(name, views));
            });
    return out;
  }
}
