package io.distillery.segml.ops;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Finds calls of DJL's {@code NDArray} methods that take a {@code java.lang.Number} (the overloads
 * {@link ScalarOps} replaces) in compiled classes, by reading each class file's constant pool (JVM
 * spec §4.4). Used by tests to keep those calls out of differentiable code.
 */
public final class NumberOverloadScan {
  private static final String NDARRAY = "ai/djl/ndarray/NDArray";
  private static final String NUMBER_ARGUMENT = "(Ljava/lang/Number;)";

  private NumberOverloadScan() {}

  /**
   * @param classesRoot a compiled-classes directory (e.g. {@code target/classes})
   * @param packagePath a package as a path below it (e.g. {@code io/distillery/segml/losses})
   * @return "Class.method" for each Number-overload call, empty when there is none
   */
  public static List<String> callsIn(Path classesRoot, String packagePath) {
    Path dir = classesRoot.resolve(packagePath);
    List<String> found = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException("no compiled package at " + dir);
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
        try (InputStream in = Files.newInputStream(file)) {
          String name = dir.relativize(file).toString().replace(".class", "");
          for (String method : numberOverloads(in)) {
            found.add(name + "." + method);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return found;
  }

  /** The NDArray Number-overload method names referenced by one class file. */
  static List<String> numberOverloads(InputStream classFile) throws IOException {
    DataInputStream in = new DataInputStream(classFile);
    if (in.readInt() != 0xCAFEBABE) {
      throw new IOException("not a class file");
    }
    in.readUnsignedShort();
    in.readUnsignedShort();
    int count = in.readUnsignedShort();
    String[] utf8 = new String[count];
    int[][] refs = new int[count][];
    for (int i = 1; i < count; i++) {
      int tag = in.readUnsignedByte();
      switch (tag) {
        case 1 -> utf8[i] = in.readUTF();
        case 7, 8, 16, 19, 20 -> refs[i] = new int[] {tag, in.readUnsignedShort()};
        case 15 -> {
          in.readUnsignedByte();
          in.readUnsignedShort();
        }
        case 3, 4 -> in.readInt();
        case 5, 6 -> {
          in.readLong();
          i++;
        }
        case 9, 10, 11, 12, 17, 18 ->
            refs[i] = new int[] {tag, in.readUnsignedShort(), in.readUnsignedShort()};
        default -> throw new IOException("unknown constant-pool tag " + tag);
      }
    }
    List<String> calls = new ArrayList<>();
    for (int[] ref : refs) {
      if (ref == null || (ref[0] != 10 && ref[0] != 11)) {
        continue;
      }
      String owner = utf8[refs[ref[1]][1]];
      int[] nameAndType = refs[ref[2]];
      String method = utf8[nameAndType[1]];
      String descriptor = utf8[nameAndType[2]];
      if (NDARRAY.equals(owner) && descriptor.startsWith(NUMBER_ARGUMENT)) {
        calls.add(method);
      }
    }
    return calls;
  }
}
