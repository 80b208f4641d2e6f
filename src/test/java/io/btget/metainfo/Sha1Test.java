package io.btget.metainfo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class Sha1Test {
    /** SHA-1 that records the length of every update it is given. */
    static final class RecordingSha1 extends MessageDigest {
        final MessageDigest real = Sha1.newDigest();
        final List<Integer> updates = new ArrayList<>();

        RecordingSha1() {
            super("SHA-1");
        }

        @Override
        protected void engineUpdate(byte input) {
            updates.add(1);
            real.update(input);
        }

        @Override
        protected void engineUpdate(byte[] input, int offset, int len) {
            updates.add(len);
            real.update(input, offset, len);
        }

        @Override
        protected byte[] engineDigest() {
            return real.digest();
        }

        @Override
        protected int engineGetDigestLength() {
            return Sha1.LENGTH;
        }

        @Override
        protected void engineReset() {
            real.reset();
        }
    }

    private static byte[] random(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }

    @Test
    void digestEqualsTheOneShotDigestAtEveryBlockAndChunkEdge() throws Exception {
        int c = Sha1.CHUNK;
        for (int len : new int[] {0, 1, 55, 56, 63, 64, 65, c - 1, c, c + 1, 3 * c + 17, 1 << 20}) {
            byte[] data = random(len + 10);
            byte[] expected = MessageDigest.getInstance("SHA-1").digest(java.util.Arrays.copyOfRange(data, 7, 7 + len));
            byte[] out = new byte[25];
            Sha1.digest(Sha1.newDigest(), data, 7, len, out, 3);
            assertThat(java.util.Arrays.copyOfRange(out, 3, 23)).as("length %d", len).isEqualTo(expected);
        }
    }

    @Test
    void feedsTheDigestInSlicesOfAtMostOneChunkSoEveryCallerOnThePathStaysHot() {
        RecordingSha1 sha1 = new RecordingSha1();
        int len = (1 << 20) + 100;
        Sha1.update(sha1, new byte[len], 0, len);
        assertThat(sha1.updates).allSatisfy(n -> assertThat(n).isBetween(1, Sha1.CHUNK));
        assertThat(sha1.updates).hasSize((len + Sha1.CHUNK - 1) / Sha1.CHUNK);
        assertThat(sha1.updates.stream().mapToInt(Integer::intValue).sum()).isEqualTo(len);
    }

    @Test
    void digestStartsFromAFreshStateWhateverWasFedBefore() {
        byte[] data = random(1000);
        MessageDigest used = Sha1.newDigest();
        used.update(data, 0, 333); // left over from an aborted piece
        byte[] a = new byte[20];
        byte[] b = new byte[20];
        Sha1.digest(used, data, 0, 1000, a, 0);
        Sha1.digest(Sha1.newDigest(), data, 0, 1000, b, 0);
        assertThat(a).isEqualTo(b);
    }

    @Test
    void matchesComparesWithTheHashAtItsOffsetOnly() {
        byte[] data = random(5000);
        byte[] hashes = new byte[60];
        Sha1.digest(Sha1.newDigest(), data, 0, data.length, hashes, 20);
        assertThat(Sha1.matches(Sha1.newDigest(), data, 0, data.length, hashes, 20)).isTrue();
        assertThat(Sha1.matches(Sha1.newDigest(), data, 0, data.length, hashes, 0)).isFalse();
        data[4999] ^= 1;
        assertThat(Sha1.matches(Sha1.newDigest(), data, 0, data.length, hashes, 20)).isFalse();
    }

    @Test
    void rejectsARangeOutsideTheArray() {
        assertThatThrownBy(() -> Sha1.update(Sha1.newDigest(), new byte[10], 5, 6))
                .isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void warmUpStartsOnceInTheBackgroundAndHashingIsRightMeanwhile() {
        Sha1.warmUp();
        Sha1.warmUp();
        assertThat(Sha1.warmUpStarted()).isTrue();
        assertThat(Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals("sha1-warm-up")))
                .allSatisfy(t -> assertThat(t.isDaemon()).isTrue())
                .hasSizeLessThanOrEqualTo(1);
        byte[] data = random(100_000);
        assertThat(Sha1.matches(Sha1.newDigest(), data, 0, data.length,
                new RecordingSha1().real.digest(data), 0)).isTrue();
    }
}
