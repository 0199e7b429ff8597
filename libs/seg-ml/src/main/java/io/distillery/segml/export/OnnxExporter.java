package io.distillery.segml.export;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import io.distillery.segml.networks.FeatureTap;
import io.distillery.segml.networks.SegmentationNetwork;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Exports a {@link SegmentationNetwork} to ONNX (opset 17, IR version 8) by walking its blocks:
 * Conv (incl. group), ConvTranspose, InstanceNormalization, Relu/LeakyRelu, GlobalAveragePool,
 * Sigmoid, Mul, Resize (linear, half_pixel), Concat, Add.
 *
 * <p>Graph input {@code input}: float32 (N, Cin, D, H, W) with symbolic N, D, H, W (D/H/W must be
 * multiples of {@link SegmentationNetwork#sizeMultiple()}); output {@code logits}: float32 (N, C,
 * D, H, W). One file per norm set (modality): the set's affine parameters are baked in. Parameters
 * must be initialised.
 *
 * <p>Feature outputs (optional, for feature-wise distillation): each requested {@link FeatureTap}
 * becomes an extra graph output {@code feature.<tap>} (see {@link #featureOutput}), float32 (N,
 * channels, D/stride, H/stride, W/stride), after {@code logits}. Consumers that read the first
 * output only (the inference engines) are unaffected.
 */
public final class OnnxExporter {

  /** ONNX operator set the exporter targets. */
  public static final int OPSET = 17;

  /** Graph input name. */
  public static final String INPUT = "input";

  /** Graph output name. */
  public static final String OUTPUT = "logits";

  /** Prefix of the graph outputs that carry feature maps. */
  public static final String FEATURE_OUTPUT_PREFIX = "feature.";

  private OnnxExporter() {}

  /** Builds the ONNX model of {@code network} for norm set {@code normSet}. */
  public static ModelProto toModel(SegmentationNetwork network, int normSet) {
    return toModel(network, normSet, List.of(), "N", "D", "H", "W");
  }

  /**
   * Builds the ONNX model of {@code network} for norm set {@code normSet} with the feature maps
   * {@code featureTaps} (names from {@link SegmentationNetwork#featureTaps()}) as extra outputs
   * {@code feature.<tap>}, in the given order after {@code logits}.
   *
   * @throws OnnxExportException when a tap is unknown to the network
   */
  public static ModelProto toModel(
      SegmentationNetwork network, int normSet, List<String> featureTaps) {
    return toModel(network, normSet, featureTaps, "N", "D", "H", "W");
  }

  /** The graph output name of feature tap {@code tap}: {@code feature.<tap>}. */
  public static String featureOutput(String tap) {
    return FEATURE_OUTPUT_PREFIX + tap;
  }

  /**
   * Builds the ONNX model with fixed N, D, H, W (for TensorRT, whose engine is built for one window
   * shape).
   */
  public static ModelProto toFixedShapeModel(
      SegmentationNetwork network, int normSet, int batch, int[] roiDHW) {
    return toModel(network, normSet, List.of(), batch, roiDHW[0], roiDHW[1], roiDHW[2]);
  }

  private static ModelProto toModel(
      SegmentationNetwork network,
      int normSet,
      List<String> featureTaps,
      Object n,
      Object d,
      Object h,
      Object w) {
    if (!network.isInitialized()) {
      throw new OnnxExportException("network parameters are not initialised: " + network.spec());
    }
    Map<String, FeatureTap> known = new LinkedHashMap<>();
    network.featureTaps().forEach(t -> known.put(t.name(), t));
    for (String tap : featureTaps) {
      if (!known.containsKey(tap)) {
        throw new OnnxExportException(
            "unknown feature tap '" + tap + "'; " + network.spec() + " has " + known.keySet());
      }
    }
    OnnxGraph graph = new OnnxGraph(network.spec().type());
    String logits = network.emitOnnx(graph, INPUT, normSet);
    graph.node("Identity", logits).outputNamed(OUTPUT);
    GraphProto.Builder proto = graph.proto();
    proto.addInput(value(INPUT, n, network.inChannels(), d, h, w));
    proto.addOutput(value(OUTPUT, n, network.outChannels(), d, h, w));
    for (String tap : new LinkedHashSet<>(featureTaps)) {
      String source = graph.taps().get(tap);
      if (source == null) {
        throw new OnnxExportException(
            network.spec() + " does not mark feature tap '" + tap + "' in its ONNX emission");
      }
      FeatureTap t = known.get(tap);
      graph.node("Identity", source).outputNamed(featureOutput(tap));
      proto.addOutput(
          value(
              featureOutput(tap),
              n,
              t.channels(),
              divided(d, t.stride()),
              divided(h, t.stride()),
              divided(w, t.stride())));
    }
    return ModelProto.newBuilder()
        .setIrVersion(8)
        .setProducerName("distillery-seg-ml")
        .setProducerVersion("0.1.0")
        .setDocString(network.spec() + ", normSet=" + normSet)
        .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
        .setGraph(proto)
        .build();
  }

  /** Writes the ONNX model of {@code network} for norm set {@code normSet} to {@code file}. */
  public static Path export(SegmentationNetwork network, int normSet, Path file) {
    return write(toModel(network, normSet), file);
  }

  /**
   * Writes the ONNX model of {@code network} with the feature outputs {@code featureTaps} (see
   * {@link #toModel(SegmentationNetwork, int, List)}) to {@code file}.
   */
  public static Path export(
      SegmentationNetwork network, int normSet, List<String> featureTaps, Path file) {
    return write(toModel(network, normSet, featureTaps), file);
  }

  /** Writes a fixed-shape export (see {@link #toFixedShapeModel}) to {@code file}. */
  public static Path exportFixedShape(
      SegmentationNetwork network, int normSet, int batch, int[] roiDHW, Path file) {
    return write(toFixedShapeModel(network, normSet, batch, roiDHW), file);
  }

  private static Path write(ModelProto model, Path file) {
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      try (OutputStream out = Files.newOutputStream(file)) {
        model.writeTo(out);
      }
    } catch (IOException e) {
      throw new OnnxExportException("cannot write ONNX model to " + file, e);
    }
    return file;
  }

  /** A symbolic dimension divided by the stride ("D/2"), or a fixed one divided exactly. */
  private static Object divided(Object dim, int stride) {
    if (stride == 1) {
      return dim;
    }
    return dim instanceof String symbol
        ? symbol + "/" + stride
        : ((Number) dim).longValue() / stride;
  }

  private static ValueInfoProto value(String name, Object... dims) {
    TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
    for (Object dim : dims) {
      TensorShapeProto.Dimension.Builder d = TensorShapeProto.Dimension.newBuilder();
      if (dim instanceof String symbol) {
        d.setDimParam(symbol);
      } else {
        d.setDimValue(((Number) dim).longValue());
      }
      shape.addDim(d);
    }
    return ValueInfoProto.newBuilder()
        .setName(name)
        .setType(
            TypeProto.newBuilder()
                .setTensorType(
                    TypeProto.Tensor.newBuilder()
                        .setElemType(TensorProto.DataType.FLOAT.getNumber())
                        .setShape(shape)))
        .build();
  }
}
