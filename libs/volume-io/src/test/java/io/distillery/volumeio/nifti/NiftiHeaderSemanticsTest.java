package io.distillery.volumeio.nifti;

import static io.distillery.volumeio.nifti.NiftiTestFiles.file1;
import static io.distillery.volumeio.nifti.NiftiTestFiles.gzip;
import static io.distillery.volumeio.nifti.NiftiTestFiles.le;
import static org.assertj.core.api.Assertions.assertThat;

import io.distillery.volumeio.Affine;
import io.distillery.volumeio.Volume;
import io.distillery.volumeio.orientation.Orientation;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/** How the reader interprets header fields, with hand-computed expectations. */
class NiftiHeaderSemanticsTest {
  private final NiftiReader reader = NiftiReader.withDefaults();

  /** NIfTI-1 file with qform and sform both set to different transforms. */
  private static byte[] withTransforms(int qformCode, int sformCode) {
    byte[] b = file1(4, 3, 2);
    ByteBuffer h = le(b);
    h.putShort(252, (short) qformCode);
    h.putShort(254, (short) sformCode);
    // qform as in the BTCV files: quaternion (b, c, d) = (0, 1, 0), qfac -1, spacing 1.5, 2, 3.
    h.putFloat(76, -1f).putFloat(80, 1.5f).putFloat(84, 2f).putFloat(88, 3f);
    h.putFloat(256, 0f).putFloat(260, 1f).putFloat(264, 0f);
    h.putFloat(268, 5f).putFloat(272, 6f).putFloat(276, 7f);
    // sform: a plain RAS diagonal 0.5 mm with another origin.
    float[] srow = {0.5f, 0, 0, -1, 0, 0.5f, 0, -2, 0, 0, 0.5f, -3};
    for (int i = 0; i < 12; i++) {
      h.putFloat(280 + 4 * i, srow[i]);
    }
    return b;
  }

  @Test
  void sformWinsWhenItsCodeIsPositive() {
    Volume v = reader.readVolume(withTransforms(1, 2));
    assertThat(v.grid().affine()).isEqualTo(Affine.diagonal(0.5, 0.5, 0.5, -1, -2, -3));
  }

  @Test
  void qformIsUsedWhenSformCodeIsZero() {
    // Quaternion (0,1,0) is 180° about y: R = diag(-1, 1, -1); qfac -1 negates the third column.
    Volume v = reader.readVolume(withTransforms(1, 0));
    assertThat(v.grid().affine()).isEqualTo(Affine.diagonal(-1.5, 2, 3, 5, 6, 7));
    assertThat(Orientation.axcodes(v.grid())).isEqualTo("LAS");
  }

  @Test
  void pixdimIsTheFallbackWhenNeitherTransformIsSet() {
    Volume v = reader.readVolume(withTransforms(0, 0));
    assertThat(v.grid().affine()).isEqualTo(Affine.diagonal(1.5, 2, 3, 0, 0, 0));
  }

  @Test
  void spatialUnitsInMetresAreConvertedToMillimetres() {
    byte[] b = withTransforms(0, 1);
    le(b).put(123, (byte) 1); // NIFTI_UNITS_METER
    Volume v = reader.readVolume(b);
    assertThat(v.grid().spacing()).containsExactly(500.0, 500.0, 500.0);
  }

  @Test
  void extensionsAreSkipped() {
    byte[] plain = file1(4, 3, 2);
    // Insert one 32-byte extension (esize 32, ecode 4 = AFNI) after the flag; vox_offset moves to
    // 384.
    byte[] b = new byte[plain.length + 32];
    System.arraycopy(plain, 0, b, 0, 352);
    System.arraycopy(plain, 352, b, 384, plain.length - 352);
    ByteBuffer h = le(b);
    h.put(348, (byte) 1);
    h.putInt(352, 32).putInt(356, 4);
    for (int i = 360; i < 384; i++) {
      b[i] = (byte) 'x';
    }
    h.putFloat(108, 384f);

    Volume expected = reader.readVolume(plain);
    assertThat(reader.readVolume(b).data()).containsExactly(expected.data());
    assertThat(reader.readVolume(gzip(b)).data()).containsExactly(expected.data());
  }

  @Test
  void fourDimensionalFileWithOneVolumeIsAccepted() {
    byte[] b = file1(4, 3, 2);
    le(b).putShort(40, (short) 4).putShort(48, (short) 1);
    Volume v = reader.readVolume(b);
    assertThat(v.grid().shape()).containsExactly(4, 3, 2);
    assertThat(v.data()[23]).isEqualTo(23f);
  }

  @Test
  void voxOffsetZeroMeansDataRightAfterTheHeader() {
    byte[] b = file1(2, 2, 2);
    le(b).putFloat(108, 0f);
    assertThat(reader.readVolume(b).data()).containsExactly(0, 1, 2, 3, 4, 5, 6, 7);
  }

  @Test
  void bigEndianNifti2IsRead() {
    byte[] b = NiftiTestFiles.file(2, ByteOrder.BIG_ENDIAN, NiftiDataType.UINT16, 3, 2, 2);
    Volume v = reader.readVolume(gzip(b));
    assertThat(v.data()).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11);
    assertThat(v.metadata().sourceFormat()).isEqualTo("NIfTI-2");
    assertThat(v.grid().affine()).isEqualTo(NiftiTestFiles.LAS_1MM);
  }

  @Test
  void slopeZeroMeansNoScaling() {
    byte[] b = file1(2, 1, 1);
    le(b).putFloat(112, 0f).putFloat(116, 100f);
    assertThat(reader.readVolume(b).data()).containsExactly(0f, 1f);
    le(b).putFloat(112, 2f).putFloat(116, -3f);
    assertThat(reader.readVolume(b).data()).containsExactly(-3f, -1f);
  }

  @Test
  void readingFromAStreamLeavesTheCallersStreamOpen() throws java.io.IOException {
    byte[] one = gzip(file1(2, 2, 2));
    byte[] two = new byte[one.length * 2];
    System.arraycopy(one, 0, two, 0, one.length);
    System.arraycopy(one, 0, two, one.length, one.length);
    boolean[] closed = {false};
    java.io.InputStream in =
        new java.io.ByteArrayInputStream(two) {
          @Override
          public void close() {
            closed[0] = true;
          }
        };

    assertThat(reader.readVolume(in).data()).containsExactly(0, 1, 2, 3, 4, 5, 6, 7);
    assertThat(closed[0]).isFalse();
  }
}
