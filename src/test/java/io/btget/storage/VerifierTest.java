package io.btget.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.btget.metainfo.Torrent;
import io.btget.metainfo.TorrentBuilder;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Verifier reads a piece in parts and hashes each as it arrives: every part must count, wherever the damage is. */
@Timeout(60)
class VerifierTest {
    private static final int PIECE = 1 << 20; // four 256 KiB read parts a piece

    @TempDir
    Path dir;

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** Three files, 2.5 pieces, pieces spanning files; the torrent made from them by TorrentBuilder. */
    private Torrent torrent(Path data) throws Exception {
        Files.createDirectories(data);
        Files.write(data.resolve("a"), random(PIECE + 300_000, 1));
        Files.write(data.resolve("b"), random(5, 2));
        Files.write(data.resolve("c"), random(PIECE / 2 + 400_000 - 5, 3));
        return new TorrentBuilder(data).pieceLength(Optional.of(PIECE)).threads(1).build((d, t) -> { }).torrent();
    }

    private static BitSet verify(Torrent t, Path parent, int threads, AtomicLong progress) throws Exception {
        try (Storage s = Storage.open(parent, t, false)) {
            return new Verifier(t, s).verify(threads, progress::addAndGet);
        }
    }

    @ParameterizedTest(name = "{0} thread(s)")
    @ValueSource(ints = {1, 2, 5})
    void acceptsIntactDataAndCountsEveryByte(int threads) throws Exception {
        Torrent t = torrent(dir.resolve("data"));
        AtomicLong progress = new AtomicLong();
        BitSet good = verify(t, dir, threads, progress);
        assertThat(good.cardinality()).isEqualTo(t.pieceCount()).isEqualTo(3);
        assertThat(progress.get()).isEqualTo(t.totalLength());
    }

    @ParameterizedTest(name = "byte {0} flipped")
    @ValueSource(longs = {0, 200_000, 262_144, 600_000, PIECE - 1, PIECE, PIECE + 299_999, PIECE + 300_002,
        2L * PIECE + 1, 2L * PIECE + 100_000})
    void rejectsExactlyThePieceHoldingAFlippedByteInAnyPartOfIt(long at) throws Exception {
        Torrent t = torrent(dir.resolve("data"));
        long inA = PIECE + 300_000;
        Path file = at < inA ? dir.resolve("data/a") : at < inA + 5 ? dir.resolve("data/b") : dir.resolve("data/c");
        long offset = at < inA ? at : at < inA + 5 ? at - inA : at - inA - 5;
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(offset);
            int b = f.read();
            f.seek(offset);
            f.write(b ^ 0x40);
        }
        for (int threads : new int[] {1, 2}) {
            BitSet good = verify(t, dir, threads, new AtomicLong());
            int bad = (int) (at / PIECE);
            BitSet expected = new BitSet();
            expected.set(0, t.pieceCount());
            expected.clear(bad);
            assertThat(good).as("%d thread(s)", threads).isEqualTo(expected);
        }
    }

    @ParameterizedTest(name = "last file cut to {0} bytes")
    @ValueSource(ints = {0, 100_000, 300_000, PIECE / 2 + 400_000 - 6})
    void rejectsPiecesOfAShortFileWithoutMisreadingTheOthers(int length) throws Exception {
        Torrent t = torrent(dir.resolve("data"));
        try (RandomAccessFile f = new RandomAccessFile(dir.resolve("data/c").toFile(), "rw")) {
            f.setLength(length);
        }
        BitSet good = verify(t, dir, 2, new AtomicLong());
        BitSet expected = new BitSet();
        expected.set(0);
        if (length >= PIECE - 300_000 - 5) {
            expected.set(1);
        }
        assertThat(good).isEqualTo(expected);
    }
}
