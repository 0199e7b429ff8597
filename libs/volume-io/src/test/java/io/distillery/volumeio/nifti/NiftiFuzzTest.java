package io.distillery.volumeio.nifti;

import static org.assertj.core.api.Assertions.assertThat;

import io.distillery.volumeio.GriddedVolume;
import io.distillery.volumeio.VolumeFormatException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Mutation fuzzing of the NIfTI reader: 12,000 deterministic mutations of small valid files (header
 * fields, bits, truncation, garbage, compressed-stream bytes; .nii and .nii.gz; NIfTI-1 and -2;
 * both byte orders). Every case must end in a valid volume or a {@link VolumeFormatException};
 * anything else, OutOfMemoryError included, fails. Each parse runs with a 1 MiB decompressed-size
 * limit and its heap allocation is measured against a bound.
 */
class NiftiFuzzTest {
  private static final int CASES = 12_000;
  private static final long ALLOCATION_BOUND =
      16L << 20; // 1 MiB of uint8 decodes to 4 MiB of float, plus buffers

  private static final long[] INTERESTING = {
    0,
    1,
    -1,
    2,
    7,
    8,
    255,
    256,
    348,
    352,
    540,
    544,
    32767,
    -32768,
    65535,
    Integer.MAX_VALUE,
    Integer.MIN_VALUE,
    Long.MAX_VALUE,
    Long.MIN_VALUE,
    1L << 31,
    1L << 40
  };

  private record Seed(String name, byte[] nii) {}

  private static List<Seed> seeds() {
    List<Seed> s = new ArrayList<>();
    NiftiDataType[] types = NiftiDataType.values();
    int k = 0;
    for (int version : new int[] {1, 2}) {
      for (ByteOrder o : new ByteOrder[] {ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN}) {
        for (int t = 0; t < 4; t++) {
          NiftiDataType type = types[(k++) % types.length];
          s.add(
              new Seed(
                  "v" + version + " " + o + " " + type,
                  NiftiTestFiles.file(version, o, type, 3, 4, 2)));
        }
      }
    }
    return s;
  }

  @Test
  @Timeout(value = 10, unit = TimeUnit.MINUTES) // a hang detector, not a performance assertion
  void everyMutationEndsInAVolumeOrATypedException() {
    NiftiReader reader =
        new NiftiReader(NiftiReadOptions.defaults().withMaxDecompressedBytes(1 << 20));
    List<Seed> seeds = seeds();
    Random rnd = new Random(20_261_122L);
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long self = Thread.currentThread().getId();
    int valid = 0;
    int rejected = 0;
    long maxAllocated = 0;
    List<String> failures = new ArrayList<>();
    for (int c = 0; c < CASES; c++) {
      Seed seed = seeds.get(rnd.nextInt(seeds.size()));
      boolean gz = rnd.nextBoolean();
      StringBuilder what = new StringBuilder(seed.name()).append(gz ? " gz" : " nii");
      byte[] input = mutate(seed.nii(), gz, rnd, what);
      boolean labels = rnd.nextInt(4) == 0;
      long before = threads.getThreadAllocatedBytes(self);
      try {
        GriddedVolume v = labels ? reader.readLabels(input, Map.of()) : reader.readVolume(input);
        assertThat((long) v.grid().size()).isPositive();
        valid++;
      } catch (VolumeFormatException e) {
        assertThat(e.getMessage()).isNotBlank();
        rejected++;
      } catch (Throwable t) {
        failures.add("case " + c + " (" + what + "): " + t);
      }
      maxAllocated = Math.max(maxAllocated, threads.getThreadAllocatedBytes(self) - before);
    }

    System.out.printf(
        "NIfTI fuzz: %d cases, %d valid volumes, %d VolumeFormatException, max allocation %d KiB%n",
        CASES, valid, rejected, maxAllocated >> 10);
    assertThat(failures).isEmpty();
    assertThat(valid + rejected).isEqualTo(CASES);
    assertThat(valid).isPositive();
    assertThat(rejected).isPositive();
    assertThat(maxAllocated).isLessThan(ALLOCATION_BOUND);
  }

  private static byte[] mutate(byte[] nii, boolean gz, Random rnd, StringBuilder what) {
    byte[] b = nii.clone();
    int headerEnd = Math.min(b.length, NiftiHeaderCodec.NIFTI2_SIZE + 4);
    int kind = rnd.nextInt(gz ? 8 : 7);
    switch (kind) {
      case 0 -> { // flip a few bits in the header
        int n = 1 + rnd.nextInt(4);
        for (int i = 0; i < n; i++) {
          b[rnd.nextInt(headerEnd)] ^= (byte) (1 << rnd.nextInt(8));
        }
        what.append(" bitflips");
      }
      case 1 -> { // an interesting byte
        int pos = rnd.nextInt(headerEnd);
        b[pos] = (byte) new int[] {0, 0xFF, 0x7F, 0x80, 1}[rnd.nextInt(5)];
        what.append(" byte@").append(pos);
      }
      case 2 -> { // an interesting 2/4/8-byte integer or float at an aligned header offset
        int width = new int[] {2, 4, 8}[rnd.nextInt(3)];
        int pos = rnd.nextInt(headerEnd / width) * width;
        ByteBuffer bb =
            ByteBuffer.wrap(b)
                .order(rnd.nextBoolean() ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
        long v = INTERESTING[rnd.nextInt(INTERESTING.length)];
        boolean asFloat = rnd.nextBoolean() && width >= 4;
        double[] floats = {
          Double.NaN, Double.POSITIVE_INFINITY, -1.0, 0.0, 1e30, -1e-30, 1e9, 352.5
        };
        if (width == 2) {
          bb.putShort(pos, (short) v);
        } else if (width == 4) {
          if (asFloat) {
            bb.putFloat(pos, (float) floats[rnd.nextInt(floats.length)]);
          } else {
            bb.putInt(pos, (int) v);
          }
        } else if (asFloat) {
          bb.putDouble(pos, floats[rnd.nextInt(floats.length)]);
        } else {
          bb.putLong(pos, v);
        }
        what.append(" field").append(width).append('@').append(pos);
      }
      case 3 -> { // truncation
        b = Arrays.copyOf(b, rnd.nextInt(b.length));
        what.append(" truncated to ").append(b.length);
      }
      case 4 -> { // appended garbage
        byte[] tail = new byte[1 + rnd.nextInt(64)];
        rnd.nextBytes(tail);
        byte[] out = Arrays.copyOf(b, b.length + tail.length);
        System.arraycopy(tail, 0, out, b.length, tail.length);
        b = out;
        what.append(" garbage tail");
      }
      case 5 -> { // a deleted range
        int from = rnd.nextInt(b.length);
        int len = 1 + rnd.nextInt(Math.min(16, b.length - from));
        byte[] out = new byte[b.length - len];
        System.arraycopy(b, 0, out, 0, from);
        System.arraycopy(b, from + len, out, from, b.length - from - len);
        b = out;
        what.append(" deleted ").append(len).append('@').append(from);
      }
      case 6 -> { // random bytes anywhere
        int n = 1 + rnd.nextInt(8);
        for (int i = 0; i < n; i++) {
          b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(256);
        }
        what.append(" random bytes");
      }
      default -> { // mutate the compressed stream itself
        byte[] z = NiftiTestFiles.gzip(b);
        int n = 1 + rnd.nextInt(4);
        for (int i = 0; i < n; i++) {
          z[rnd.nextInt(z.length)] ^= (byte) (1 + rnd.nextInt(255));
        }
        what.append(" gzip-stream bytes");
        return z;
      }
    }
    return gz ? NiftiTestFiles.gzip(b) : b;
  }
}
