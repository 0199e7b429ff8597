package io.distillery.segpipeline;

import io.distillery.volumeio.LabelVolume;
import io.distillery.volumeio.Volume;
import java.util.List;
import java.util.Map;

/**
 * A finished segmentation, on the input's own grid and voxel order.
 *
 * @param labels label map (value = output channel, names from the model card)
 * @param probabilities one softmax probability volume per class (card order), or null when not
 *     asked for
 * @param volumesMl class name to segmented volume in millilitres (background excluded)
 * @param timingsMs stage name ({@code preprocess}, {@code inference}, {@code postprocess}) to ms
 * @param modelName model used
 * @param modelVersion version used
 * @param engine engine used, e.g. {@code OnnxRuntime}
 * @param modality norm set used
 */
public record SegmentationResult(
    LabelVolume labels,
    List<Volume> probabilities,
    Map<String, Double> volumesMl,
    Map<String, Double> timingsMs,
    String modelName,
    String modelVersion,
    String engine,
    String modality) {}
