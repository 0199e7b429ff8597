package io.distillery.volumeio.nifti;

import static org.assertj.core.api.Assertions.assertThat;

import io.distillery.volumeio.Affine;
import io.distillery.volumeio.Grid;
import io.distillery.volumeio.LabelVolume;
import io.distillery.volumeio.Volume;
import io.distillery.volumeio.VolumeMetadata;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class NiftiRoundTripTest {
  @TempDir Path dir;

  /**
   * An oblique (rotated about y by atan(3/4)), left-handed affine with spacings 1.25, 1.5, 2.5 and
   * values that float32 holds exactly.
   */
  static final Affine OBLIQUE =
      Affine.of3x4(1.0, 0.0, 1.5, 12.5, 0.0, -1.5, 0.0, -30.25, -0.75, 0.0, 2.0, 7.0);

  /** An affine with shear, which a qform cannot represent. */
  static final Affine SHEARED =
      Affine.of3x4(-0.75, 0.0, 0.25, 12.5, 0.0, 1.5, 0.0, -30.25, 0.5, 0.0, 2.0, 7.0);

  static Stream<Arguments> layouts() {
    List<Arguments> out = new ArrayList<>();
    for (NiftiDataType t : NiftiDataType.values()) {
      for (ByteOrder o : new ByteOrder[] {ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN}) {
        for (boolean gz : new boolean[] {false, true}) {
          for (int version : new int[] {1, 2}) {
            out.add(Arguments.of(t, o, gz, version));
          }
        }
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0} {1} gz={2} v{3}")
  @MethodSource("layouts")
  void rawRoundTripIsBitExact(NiftiDataType type, ByteOrder order, boolean gz, int version)
      throws IOException {
    Grid grid = new Grid(7, 5, 3, OBLIQUE);
    NiftiHeader h = NiftiHeader.forGrid(version, ByteOrder.LITTLE_ENDIAN, grid, type, 1.0, 0.0, 0);
    byte[] raw = new byte[(int) h.dataBytes()];
    new Random(type.code() * 31L + version).nextBytes(raw);
    // Extremes of every type sit at the start: all-zero and all-one bit patterns, both byte ends.
    for (int k = 0; k < type.bytes(); k++) {
      raw[k] = 0;
      raw[type.bytes() + k] = (byte) 0xFF;
      raw[2 * type.bytes() + k] = (byte) (k == type.bytes() - 1 ? 0x7F : 0xFF);
    }
    NiftiImage image = new NiftiImage(h, ByteBuffer.wrap(raw));
    Path file = dir.resolve("img" + (gz ? ".nii.gz" : ".nii"));

    NiftiWriter.writeRaw(
        image, file, NiftiWriteOptions.defaults().withByteOrder(order).withVersion(version));
    NiftiImage back = NiftiReader.withDefaults().readRaw(file);

    assertThat(isGzip(file)).isEqualTo(gz);
    assertThat(back.header().byteOrder()).isEqualTo(order);
    assertThat(back.header().version()).isEqualTo(version);
    assertThat(back.header().dataType()).isEqualTo(type);
    assertThat(back.header().grid()).isEqualTo(grid);
    assertThat(littleEndianBytes(back)).isEqualTo(raw);
  }

  @ParameterizedTest(name = "{0} {1} gz={2} v{3}")
  @MethodSource("layouts")
  void volumeValuesSurviveEveryDatatype(
      NiftiDataType type, ByteOrder order, boolean gz, int version) throws IOException {
    Grid grid = new Grid(6, 4, 3, OBLIQUE);
    float[] values = new float[grid.size()];
    Random r = new Random(type.code());
    for (int i = 0; i < values.length; i++) {
      // Integers inside every type's range, so that each datatype stores them exactly.
      values[i] = r.nextInt(128);
    }
    values[0] = 0;
    values[1] = 127;
    Volume v = Volume.of(grid, values);
    Path file = dir.resolve("vol" + (gz ? ".nii.gz" : ".nii"));
    NiftiWriter.write(
        v,
        file,
        NiftiWriteOptions.defaults().withDataType(type).withByteOrder(order).withVersion(version));

    Volume back = NiftiReader.withDefaults().readVolume(file);

    assertThat(back.grid()).isEqualTo(grid);
    assertThat(back.data()).containsExactly(values);
    assertThat(back.metadata().sourceDataType()).isEqualTo(type.label());
  }

  @Test
  void float32VolumeKeepsEveryBitIncludingNanAndSignedZero() throws IOException {
    Grid grid = new Grid(4, 3, 2, OBLIQUE);
    float[] values = new float[grid.size()];
    Random r = new Random(1);
    for (int i = 0; i < values.length; i++) {
      values[i] = Float.intBitsToFloat(r.nextInt());
    }
    values[0] = -0.0f;
    values[1] = Float.NaN;
    values[2] = Float.NEGATIVE_INFINITY;
    values[3] = Float.MIN_VALUE;
    Path file = dir.resolve("f.nii.gz");
    NiftiWriter.write(Volume.of(grid, values), file);

    float[] back = NiftiReader.withDefaults().readVolume(file).data();

    for (int i = 0; i < values.length; i++) {
      assertThat(Float.floatToRawIntBits(back[i])).isEqualTo(Float.floatToRawIntBits(values[i]));
    }
  }

  @Test
  void sclSlopeAndInterceptAreWrittenAndApplied() throws IOException {
    Grid grid = new Grid(3, 2, 1, Affine.diagonal(1, 1, 1, 0, 0, 0));
    // 8-bit CT window as in the BTCV files: raw 0..255 → -125..275 HU with slope 400/255.
    float slope = 400f / 255f;
    float[] hu = new float[grid.size()];
    int[] raw = {0, 1, 64, 128, 254, 255};
    for (int i = 0; i < hu.length; i++) {
      hu[i] = (float) (raw[i] * (double) slope - 125.0);
    }
    Path file = dir.resolve("ct.nii.gz");
    NiftiWriter.write(
        Volume.of(grid, hu),
        file,
        NiftiWriteOptions.defaults().withDataType(NiftiDataType.UINT8).withScaling(slope, -125));

    NiftiImage stored = NiftiReader.withDefaults().readRaw(file);
    Volume back = NiftiReader.withDefaults().readVolume(file);

    for (int i = 0; i < raw.length; i++) {
      assertThat(stored.data().get(i) & 0xFF).isEqualTo(raw[i]);
    }
    assertThat(back.data()).containsExactly(hu);
    assertThat(back.data()[0]).isEqualTo(-125f);
    assertThat(back.data()[5]).isCloseTo(275f, org.assertj.core.data.Offset.offset(1e-4f));
  }

  @Test
  void labelMapsRoundTripWithIntentAndWideLabels() throws IOException {
    Grid grid = new Grid(5, 4, 3, OBLIQUE);
    short[] labels = new short[grid.size()];
    for (int i = 0; i < labels.length; i++) {
      labels[i] = (short) (i % 7);
    }
    LabelVolume small = new LabelVolume(grid, labels, Map.of(1, "liver"), VolumeMetadata.MEMORY);
    Path a = dir.resolve("small.nii.gz");
    NiftiWriter.write(small, a);
    short[] wide = labels.clone();
    wide[3] = (short) 60000;
    Path b = dir.resolve("wide.nii");
    NiftiWriter.write(LabelVolume.of(grid, wide), b);

    NiftiHeader ha = NiftiReader.withDefaults().readHeader(a);
    LabelVolume ra = NiftiReader.withDefaults().readLabels(a, Map.of(1, "liver"));
    LabelVolume rb = NiftiReader.withDefaults().readLabels(b, Map.of());

    assertThat(ha.intentCode()).isEqualTo(NiftiHeader.INTENT_LABEL);
    assertThat(ha.dataType()).isEqualTo(NiftiDataType.UINT8);
    assertThat(ha.xyztUnits()).isEqualTo(NiftiHeader.UNITS_MM);
    assertThat(ha.qformCode()).isEqualTo(1);
    assertThat(ha.sformCode()).isEqualTo(1);
    assertThat(ra.data()).containsExactly(labels);
    assertThat(ra.names()).containsEntry(1, "liver");
    assertThat(NiftiReader.withDefaults().readHeader(b).dataType()).isEqualTo(NiftiDataType.UINT16);
    assertThat(rb.label(3)).isEqualTo(60000);
  }

  @Test
  void writerSetsQformThatAgreesWithSform() throws IOException {
    Grid grid = new Grid(4, 4, 4, OBLIQUE);
    Path file = dir.resolve("q.nii");
    NiftiWriter.write(Volume.of(grid, new float[grid.size()]), file);
    NiftiHeader h = NiftiReader.withDefaults().readHeader(file);

    double[] q = Quaternions.qformToRows(h.quatern(), h.qoffset(), h.pixdim());
    Affine qform = Affine.of3x4(q);

    assertThat(h.pixdim()[0]).isEqualTo(-1.0); // OBLIQUE is left-handed
    assertThat(qform.maxAbsDifference(grid.affine())).isLessThan(1e-5);
    assertThat(h.pixdim()[1])
        .isCloseTo(grid.spacing()[0], org.assertj.core.data.Offset.offset(1e-6));
  }

  @Test
  void freeTextIsNeitherReadNorWrittenByDefault() throws IOException {
    Grid grid = new Grid(2, 2, 2, OBLIQUE);
    Volume v =
        Volume.of(grid, new float[8])
            .withMetadata(new VolumeMetadata("memory", "float32", Map.of("descrip", "Jane Doe")));
    Path plain = dir.resolve("plain.nii");
    Path kept = dir.resolve("kept.nii");
    NiftiWriter.write(v, plain);
    NiftiWriter.write(v, kept, NiftiWriteOptions.defaults().withWriteFreeText(true));

    NiftiReader keeping = new NiftiReader(NiftiReadOptions.defaults().withKeepFreeText(true));

    assertThat(new String(Files.readAllBytes(plain), java.nio.charset.StandardCharsets.ISO_8859_1))
        .doesNotContain("Jane");
    assertThat(keeping.readVolume(plain).metadata().freeText()).containsEntry("descrip", "");
    assertThat(keeping.readVolume(kept).metadata().freeText()).containsEntry("descrip", "Jane Doe");
    assertThat(NiftiReader.withDefaults().readVolume(kept).metadata().freeText()).isEmpty();
  }

  static boolean isGzip(Path p) throws IOException {
    byte[] b = Files.readAllBytes(p);
    return b.length > 2 && (b[0] & 0xFF) == 0x1f && (b[1] & 0xFF) == 0x8b;
  }

  static byte[] littleEndianBytes(NiftiImage img) {
    int size = img.header().dataType().bytes();
    ByteBuffer d = img.data();
    byte[] out = new byte[d.capacity()];
    for (int i = 0; i < out.length; i += size) {
      for (int k = 0; k < size; k++) {
        int src = d.order() == ByteOrder.LITTLE_ENDIAN ? i + k : i + size - 1 - k;
        out[i + k] = d.get(src);
      }
    }
    return out;
  }
}
