package io.btget.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 3: data that fails its SHA-1 never lands on disk as verified. The lying peer is aria2c seeding a corrupted
 * copy with {@code --bt-seed-unverified} (it serves its file without checking it).
 */
@Tag("interop")
@Timeout(150)
class BadDataIT extends InteropTestBase {
    private static final int PIECE = 64 * 1024;

    /** A copy of {@code original} with one byte flipped in every piece. */
    private static Path corruptCopy(Path original, Path copy) throws Exception {
        Files.createDirectories(copy.getParent());
        Files.copy(original, copy);
        try (RandomAccessFile f = new RandomAccessFile(copy.toFile(), "rw")) {
            for (long at = 1000; at < f.length(); at += PIECE) {
                f.seek(at);
                int b = f.read();
                f.seek(at);
                f.write(b ^ 0xff);
            }
        }
        return copy;
    }

    private ManagedProcess lyingSeeder(Path torrent, Path dataDir) throws Exception {
        return aria2Seed(torrent, dataDir, Ports.free(), "--check-integrity=false", "--bt-seed-unverified=true");
    }

    @Test
    void bansPeerThatSendsCorruptPiecesThenCompletesFromAnHonestSeederThatDialsIn() throws Exception {
        Tools.requireLibtorrent();
        Opentracker tracker = opentracker();
        Path goodDir = newDir("good");
        Path payload = Payloads.randomFile(goodDir.resolve("data.bin"), 3 * 1024 * 1024, 14);
        Path badDir = newDir("bad");
        corruptCopy(payload, badDir.resolve("data.bin"));
        Path torrent = Torrents.mktorrent(dir, payload, "data", 16, tracker.httpAnnounce());
        String hash = Torrents.infoHashHex(torrent);
        tracker.allow(hash);
        ManagedProcess liar = lyingSeeder(torrent, badDir);
        tracker.awaitSeeders(hash, 1, Duration.ofSeconds(30));

        Path out = newDir("out");
        BtgetProcess btget = btget("btget", "download", torrent.toString(), "-d", out.toString(),
                "-p", Integer.toString(Ports.free()), "--stall-timeout", "30s");
        btget.awaitEvent(e -> "peer_banned".equals(e.get("event")), Duration.ofSeconds(30), "the liar banned");
        // the honest seeder learns of btget from the tracker and dials it: btget must take that incoming peer
        ManagedProcess honest = libtorrentSeed(torrent, goodDir, Ports.free());
        int code = btget.awaitExit(Duration.ofSeconds(90));

        assertThat(code).as("btget exit code%s", logsOf(btget, liar, honest)).isZero();
        Payloads.assertSameTree(payload, out.resolve("data.bin"));
        Map<String, Object> summary = btget.last();
        assertThat(BtgetProcess.number(summary, "hashFailures")).isPositive();
        assertThat(btget.events("piece_failed")).isNotEmpty();
        assertThat(BtgetProcess.number(summary, "pieces")).isEqualTo(Torrents.parse(torrent).pieceCount());
    }

    @Test
    void onlyACorruptSeederEndsAsStalledWithNothingVerifiedAndNoHang() throws Exception {
        Opentracker tracker = opentracker();
        Path goodDir = newDir("good");
        Path payload = Payloads.randomFile(goodDir.resolve("data.bin"), 1024 * 1024, 15);
        Path badDir = newDir("bad");
        corruptCopy(payload, badDir.resolve("data.bin"));
        Path torrent = Torrents.mktorrent(dir, payload, "data", 16, tracker.httpAnnounce());
        String hash = Torrents.infoHashHex(torrent);
        tracker.allow(hash);
        ManagedProcess liar = lyingSeeder(torrent, badDir);
        tracker.awaitSeeders(hash, 1, Duration.ofSeconds(30));

        Path out = newDir("out");
        BtgetProcess btget = btget("btget", "download", torrent.toString(), "-d", out.toString(),
                "-p", Integer.toString(Ports.free()), "--stall-timeout", "8s");
        int code = btget.awaitExit(Duration.ofSeconds(60));

        assertThat(code).as("btget exit code (4: stalled)%s", logsOf(btget, liar)).isEqualTo(4);
        Map<String, Object> summary = btget.last();
        assertThat(summary.get("event")).isEqualTo("stalled");
        assertThat(BtgetProcess.number(summary, "pieces")).isZero();
        assertThat(BtgetProcess.number(summary, "hashFailures")).isPositive();
        assertThat(btget.events("peer_banned")).as("the liar was banned").isNotEmpty();
        assertThat(BtgetProcess.run(logs(), dir, Duration.ofSeconds(30), "verify", torrent.toString(), "-d",
                out.toString())).as("btget verify exit code on the unfinished download").isEqualTo(6);
    }

    /**
     * A btget seeder whose file went bad behind its back (field report): it serves the bad piece, is banned, and
     * keeps dialling back from new ports (it learnt btget's listen port). Its peer id keeps it out, and a piece that
     * failed is no progress: the download ends stalled on time instead of looping on the bad piece for ever.
     */
    @Test
    void aSeederServingABadPieceIsKeptOutWhenItDialsBackAndTheDownloadStallsOnTime() throws Exception {
        Path seedDir = newDir("seed");
        Path payload = Payloads.randomFile(seedDir.resolve("data.bin"), 1024 * 1024, 16);
        Path torrent = Torrents.mktorrent(dir, payload, "data", 16);
        int seedPort = Ports.free();
        BtgetProcess seeder = btget("btget-seed", "seed", torrent.toString(), "-d", seedDir.toString(), "-p",
                Integer.toString(seedPort));
        seeder.awaitEvent(e -> "progress".equals(e.get("event")) && "seeding".equals(e.get("phase")),
                Duration.ofSeconds(30), "seeding");
        try (RandomAccessFile f = new RandomAccessFile(payload.toFile(), "rw")) {
            f.seek(5L * PIECE + 100); // piece 5 of 16, same size, checked by no one while seeding
            f.write(0x5a ^ f.readByte());
        }

        Path out = newDir("out");
        BtgetProcess btget = btget("btget", "download", torrent.toString(), "-d", out.toString(),
                "-p", Integer.toString(Ports.free()), "--peer", "127.0.0.1:" + seedPort, "--stall-timeout", "8s");
        int code = btget.awaitExit(Duration.ofSeconds(60));

        assertThat(code).as("btget exit code (4: stalled)%s", logsOf(btget, seeder)).isEqualTo(4);
        Map<String, Object> summary = btget.last();
        assertThat(summary.get("event")).isEqualTo("stalled");
        // the bad piece never; of the other 15, those still in flight from the seeder when it was banned (its second
        // bad copy of piece 5) are not fetched again: it is the only source
        assertThat(BtgetProcess.number(summary, "pieces")).isBetween(1L, 15L);
        assertThat(btget.events("peer_banned")).as("banned once (a dial and a dial-back racing: twice), not again"
                + " each time it came back%s", logsOf(btget, seeder)).hasSizeBetween(1, 2)
                .allMatch(e -> String.valueOf(e.get("peer")).matches("127\\.0\\.0\\.1:\\d+"), "peer as ADDRESS:PORT");
    }
}
