package io.distillery.segml.export;

import ai.djl.ndarray.NDArray;
import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A growing ONNX graph (protobuf classes of {@code tribuo-util-onnx}) that blocks write themselves
 * into: float32 initializers from DJL parameters, and nodes with unique value names. Nodes must be
 * added in topological order, which a forward walk of the blocks gives.
 */
public final class OnnxGraph {

  private final GraphProto.Builder graph = GraphProto.newBuilder();
  private final Map<String, String> taps = new LinkedHashMap<>();
  private int counter;

  OnnxGraph(String name) {
    graph.setName(name);
  }

  GraphProto.Builder proto() {
    return graph;
  }

  /**
   * Records that value {@code value} is the network's feature map {@code tap} (a {@link
   * io.distillery.segml.networks.FeatureTap} name), so that an export can add it as a graph output.
   */
  public void tap(String tap, String value) {
    taps.put(tap, value);
  }

  /** Tap name → value name, in emission order. */
  Map<String, String> taps() {
    return taps;
  }

  /** A fresh value name starting with {@code hint}. */
  public String fresh(String hint) {
    return hint + "_" + counter++;
  }

  /** Adds a float32 initializer holding a copy of {@code array}; returns its name. */
  public String initializer(String hint, NDArray array) {
    return initializer(hint, array.toFloatArray(), array.getShape().getShape());
  }

  /** Adds a float32 initializer with the given dimensions; returns its name. */
  public String initializer(String hint, float[] data, long... dims) {
    long size = Arrays.stream(dims).reduce(1, Math::multiplyExact);
    if (size != data.length) {
      throw new OnnxExportException(
          "initializer " + hint + ": " + data.length + " values for dims " + Arrays.toString(dims));
    }
    ByteBuffer bytes = ByteBuffer.allocate(4 * data.length).order(ByteOrder.LITTLE_ENDIAN);
    bytes.asFloatBuffer().put(data);
    String name = fresh(hint);
    TensorProto.Builder tensor =
        TensorProto.newBuilder()
            .setName(name)
            .setDataType(TensorProto.DataType.FLOAT.getNumber())
            .setRawData(ByteString.copyFrom(bytes.array()));
    for (long dim : dims) {
      tensor.addDims(dim);
    }
    graph.addInitializer(tensor);
    return name;
  }

  /** Starts a node of {@code opType}; an empty input name marks an omitted optional input. */
  public Node node(String opType, String... inputs) {
    return new Node(opType, inputs);
  }

  /** A node under construction; {@link #output()} adds it to the graph. */
  public final class Node {
    private final NodeProto.Builder node = NodeProto.newBuilder();

    private Node(String opType, String... inputs) {
      node.setOpType(opType);
      for (String input : inputs) {
        node.addInput(input);
      }
    }

    /** Appends an input. */
    public Node input(String name) {
      node.addInput(name);
      return this;
    }

    /** Sets an INTS attribute. */
    public Node ints(String name, long... values) {
      AttributeProto.Builder attribute =
          AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
      for (long v : values) {
        attribute.addInts(v);
      }
      node.addAttribute(attribute);
      return this;
    }

    /** Sets an INT attribute. */
    public Node integer(String name, long value) {
      node.addAttribute(
          AttributeProto.newBuilder()
              .setName(name)
              .setType(AttributeProto.AttributeType.INT)
              .setI(value));
      return this;
    }

    /** Sets a FLOAT attribute. */
    public Node floating(String name, float value) {
      node.addAttribute(
          AttributeProto.newBuilder()
              .setName(name)
              .setType(AttributeProto.AttributeType.FLOAT)
              .setF(value));
      return this;
    }

    /** Sets a STRING attribute. */
    public Node string(String name, String value) {
      node.addAttribute(
          AttributeProto.newBuilder()
              .setName(name)
              .setType(AttributeProto.AttributeType.STRING)
              .setS(ByteString.copyFromUtf8(value)));
      return this;
    }

    /** Adds the node with a fresh output name and returns that name. */
    public String output() {
      return outputNamed(fresh(node.getOpType().toLowerCase(java.util.Locale.ROOT)));
    }

    /** Adds the node with the given output name and returns it. */
    public String outputNamed(String name) {
      node.setName("n" + counter++ + "_" + node.getOpType()).addOutput(name);
      graph.addNode(node);
      return name;
    }
  }
}
