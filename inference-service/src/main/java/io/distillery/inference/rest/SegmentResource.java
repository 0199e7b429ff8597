package io.distillery.inference.rest;

import io.distillery.contracts.ObjectKeys;
import io.distillery.inference.config.InferenceConfig;
import io.distillery.inference.service.PreviewRenderer;
import io.distillery.inference.service.ResultEncoding;
import io.distillery.inference.service.SegmentationService;
import io.distillery.objectstore.ObjectNotFoundException;
import io.distillery.objectstore.ObjectStore;
import io.distillery.segpipeline.PostprocessMode;
import io.distillery.segpipeline.SegmentationResult;
import io.distillery.servicekit.ProblemException;
import io.distillery.servicekit.S3Config;
import io.distillery.volumeio.Volume;
import io.distillery.volumeio.nifti.NiftiReadOptions;
import io.distillery.volumeio.nifti.NiftiReader;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /api/v1/segment}: a NIfTI image ({@code .nii} or {@code .nii.gz}) in the body, or
 * {@code objectKey} naming one in the service's bucket under {@code
 * distillery.inference.object-key-prefixes} (default {@code segmentations/}, this service's own
 * inputs; 403 outside them, 400 for a malformed key), so that the parameter cannot read arbitrary
 * objects of the bucket. {@code output}:
 *
 * <ul>
 *   <li>{@code labels} (default) — the label map as {@code .nii.gz} on the input's grid and
 *       orientation;
 *   <li>{@code probabilities} — a zip of one float32 {@code .nii.gz} per class;
 *   <li>{@code volumes} — JSON with per-class volumes (ml) and stage timings;
 *   <li>{@code preview} — the same JSON plus three PNG slices with the overlay (base64), for the
 *       web page.
 * </ul>
 *
 * {@code postprocess}: {@code default} (the model card's post-processing) or {@code none} (the raw
 * argmax mapped back by nearest neighbour, every component kept). Responses name the model, version
 * and engine in {@code X-Distillery-Model}, {@code X-Distillery-Model-Version} and {@code
 * X-Distillery-Engine}.
 */
@Path("/api/v1/segment")
public class SegmentResource {

  @Inject SegmentationService service;
  @Inject ObjectStore store;
  @Inject InferenceConfig config;
  @Inject S3Config s3Config;

  /** The JSON answer of {@code output=volumes|preview}. */
  public record SegmentationView(
      String model,
      String version,
      String engine,
      String modality,
      int[] shape,
      double[] spacingMm,
      Map<String, Double> volumesMl,
      Map<String, Double> timingsMs,
      List<LabelView> labels,
      Map<String, String> previews) {}

  /** A class of the model with the colour the previews draw it in. */
  public record LabelView(int value, String name, String colour) {}

  @POST
  @Consumes(MediaType.WILDCARD)
  public Response segment(
      byte[] body,
      @QueryParam("model") String model,
      @QueryParam("version") String version,
      @QueryParam("modality") String modality,
      @QueryParam("output") String output,
      @QueryParam("objectKey") String objectKey,
      @QueryParam("postprocess") String postprocess) {
    String kind = output == null || output.isBlank() ? "labels" : output;
    if (!List.of("labels", "probabilities", "volumes", "preview").contains(kind)) {
      throw new ProblemException(
          400, "Bad Request", "output must be labels, probabilities, volumes or preview: " + kind);
    }
    PostprocessMode mode;
    try {
      mode = PostprocessMode.parse(postprocess);
    } catch (IllegalArgumentException e) {
      throw new ProblemException(400, "Bad Request", e.getMessage());
    }
    Volume image = readImage(body, objectKey);
    SegmentationResult result =
        service.segment(image, model, version, modality, "probabilities".equals(kind), mode);
    Response.ResponseBuilder response =
        switch (kind) {
          case "labels" ->
              Response.ok(ResultEncoding.labelsNiftiGz(result), ResultEncoding.NIFTI_GZ)
                  .header("Content-Disposition", "attachment; filename=\"labels.nii.gz\"");
          case "probabilities" ->
              Response.ok(
                      ResultEncoding.probabilitiesZip(result, labelNames(result)),
                      ResultEncoding.ZIP)
                  .header("Content-Disposition", "attachment; filename=\"probabilities.zip\"");
          default ->
              Response.ok(view(image, result, "preview".equals(kind)), MediaType.APPLICATION_JSON);
        };
    return response
        .header("X-Distillery-Model", result.modelName())
        .header("X-Distillery-Model-Version", result.modelVersion())
        .header("X-Distillery-Engine", result.engine())
        .build();
  }

  private Volume readImage(byte[] body, String objectKey) {
    NiftiReader reader =
        new NiftiReader(
            NiftiReadOptions.defaults()
                .withMaxDecompressedBytes(4L * config.inference().maxUploadBytes()));
    if (objectKey != null && !objectKey.isBlank()) {
      requireReadable(objectKey, config.inference().objectKeyPrefixes());
      try (InputStream in = store.get(s3Config.bucket(), objectKey, true)) {
        return reader.readVolume(in);
      } catch (ObjectNotFoundException e) {
        throw new ProblemException(404, "Image Not Found", "no object " + objectKey);
      } catch (IOException e) {
        throw new ProblemException(
            400, "Bad NIfTI Input", "cannot read " + objectKey + ": " + e.getMessage());
      }
    }
    if (body == null || body.length == 0) {
      throw new ProblemException(
          400, "Bad Request", "send a NIfTI image (.nii or .nii.gz) as the body, or objectKey");
    }
    if (body.length > config.inference().maxUploadBytes()) {
      throw new ProblemException(
          413,
          "Payload Too Large",
          "upload exceeds " + config.inference().maxUploadBytes() + " bytes");
    }
    return reader.readVolume(body);
  }

  /**
   * Refuses an {@code objectKey} that is malformed (400: every segment must be an object-key id, so
   * no empty, {@code .} or {@code ..} segment and no leading {@code /}) or that lies outside {@code
   * prefixes} or does not name a NIfTI file (403).
   */
  public static void requireReadable(String objectKey, List<String> prefixes) {
    for (String segment : objectKey.split("/", -1)) {
      try {
        ObjectKeys.id(segment);
      } catch (IllegalArgumentException e) {
        throw new ProblemException(
            400,
            "Bad Request",
            "objectKey must be '/'-separated object-key ids (no empty, '.' or '..' segments): "
                + e.getMessage());
      }
    }
    boolean nifti = objectKey.endsWith(".nii") || objectKey.endsWith(".nii.gz");
    if (!nifti || prefixes.stream().noneMatch(p -> !p.isBlank() && objectKey.startsWith(p))) {
      throw new ProblemException(
          403,
          "Object key not allowed",
          "objectKey may only name a .nii or .nii.gz object under "
              + String.join(", ", prefixes)
              + " (distillery.inference.object-key-prefixes); send other images as the body");
    }
  }

  private static List<String> labelNames(SegmentationResult result) {
    List<String> names = new ArrayList<>();
    result.labels().names().forEach((value, name) -> names.add(name));
    return names;
  }

  private static SegmentationView view(Volume image, SegmentationResult result, boolean previews) {
    List<LabelView> labels = new ArrayList<>();
    result
        .labels()
        .names()
        .forEach(
            (value, name) -> {
              if (value > 0) {
                labels.add(new LabelView(value, name, PreviewRenderer.colour(value)));
              }
            });
    Map<String, String> pngs = null;
    if (previews) {
      pngs = new LinkedHashMap<>();
      for (Map.Entry<String, byte[]> e :
          PreviewRenderer.render(image, result.labels()).entrySet()) {
        pngs.put(
            e.getKey(),
            "data:image/png;base64," + Base64.getEncoder().encodeToString(e.getValue()));
      }
    }
    return new SegmentationView(
        result.modelName(),
        result.modelVersion(),
        result.engine(),
        result.modality(),
        image.grid().shape(),
        image.grid().spacing(),
        result.volumesMl(),
        result.timingsMs(),
        labels,
        pngs);
  }
}
