package io.btget.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Issue 3: btget downloads from real seeders (aria2c, libtorrent, transmission) found by tracker or dialled. */
@Tag("interop")
@Timeout(150)
class DownloadFromRealClientsIT extends InteropTestBase {
    private static final Duration DOWNLOAD_TIME = Duration.ofSeconds(100);

    @Test
    void downloadsSingleFileFromAria2FoundThroughOpentrackerOverHttp() throws Exception {
        Opentracker tracker = opentracker();
        Path seedDir = newDir("seed");
        Path payload = Payloads.randomFile(seedDir.resolve("single.bin"), 3 * 1024 * 1024 + 12_345, 1);
        Path torrent = Torrents.mktorrent(dir, payload, "single", 18, tracker.httpAnnounce());
        String hash = Torrents.infoHashHex(torrent);
        tracker.allow(hash);
        ManagedProcess aria2 = aria2Seed(torrent, seedDir, Ports.free());
        tracker.awaitSeeders(hash, 1, Duration.ofSeconds(30));

        Path out = newDir("out");
        BtgetProcess btget = btget("btget", "download", torrent.toString(), "-d", out.toString(),
                "-p", Integer.toString(Ports.free()), "--stall-timeout", "30s");

        assertCompleteAndIdentical(btget, torrent, payload, out.resolve("single.bin"), aria2);
    }

    @Test
    void downloadsNestedMultiFileTorrentFromLibtorrentFoundThroughOpentrackerOverUdp() throws Exception {
        Tools.requireLibtorrent();
        Opentracker tracker = opentracker();
        Path seedDir = newDir("seed");
        Path payload = Payloads.tree(seedDir.resolve("tree"), 2);
        // 32 KiB pieces: a.txt, empty.txt and sub/b.bin share piece 0; piece 2 spans c.bin, three tiny files and big.bin
        Path torrent = Torrents.mktorrent(dir, payload, "tree", 15, tracker.udpAnnounce());
        String hash = Torrents.infoHashHex(torrent);
        tracker.allow(hash);
        ManagedProcess seeder = libtorrentSeed(torrent, seedDir, Ports.free());
        tracker.awaitSeeders(hash, 1, Duration.ofSeconds(30));

        Path out = newDir("out");
        BtgetProcess btget = btget("btget", "download", torrent.toString(), "-d", out.toString(),
                "-p", Integer.toString(Ports.free()), "--stall-timeout", "30s");

        assertCompleteAndIdentical(btget, torrent, payload, out.resolve("tree"), seeder);
    }

    @Test
    void downloadsFromTransmissionWhichItDialsDirectly() throws Exception {
        Path seedDir = newDir("seed");
        Path payload = Payloads.tree(seedDir.resolve("tree"), 3);
        Files.delete(payload.resolve("empty.txt")); // transmission does not create zero-byte files
        Path torrent = Torrents.mktorrent(dir, payload, "tree", 15, "http://127.0.0.1:9/announce");
        int transmissionPort = Ports.free();
        ManagedProcess transmission = transmissionSeed(torrent, seedDir, transmissionPort);
        transmission.awaitOutput("Seeding", Duration.ofSeconds(30));

        Path out = newDir("out");
        BtgetProcess btget = btget("btget", "download", torrent.toString(), "-d", out.toString(),
                "-p", Integer.toString(Ports.free()), "--peer", "127.0.0.1:" + transmissionPort,
                "--stall-timeout", "40s");

        assertCompleteAndIdentical(btget, torrent, payload, out.resolve("tree"), transmission);
    }

    @Test
    void downloadsHybridTorrentWithPaddingFilesFromLibtorrentWithoutWritingPadding() throws Exception {
        Tools.requireLibtorrent();
        Opentracker tracker = opentracker();
        Path seedDir = newDir("seed");
        Path payload = Payloads.tree(seedDir.resolve("tree"), 4);
        Path torrent = Torrents.libtorrent(dir, payload, "hybrid", 16384, true, tracker.httpAnnounce());
        assertThat(Torrents.parse(torrent).files()).as("libtorrent made padding files")
                .anyMatch(f -> f.padding());
        String hash = Torrents.infoHashHex(torrent);
        tracker.allow(hash);
        ManagedProcess seeder = libtorrentSeed(torrent, seedDir, Ports.free());
        tracker.awaitSeeders(hash, 1, Duration.ofSeconds(30));

        Path out = newDir("out");
        BtgetProcess btget = btget("btget", "download", torrent.toString(), "-d", out.toString(),
                "-p", Integer.toString(Ports.free()), "--stall-timeout", "30s");

        // assertSameTree demands exactly the payload's files: no ".pad/..." file may appear on disk
        assertCompleteAndIdentical(btget, torrent, payload, out.resolve("tree"), seeder);
        assertThat(out.resolve("tree/.pad")).doesNotExist();
    }

    @Test
    void downloadsFromAria2AndLibtorrentAtOnce() throws Exception {
        Tools.requireLibtorrent();
        Opentracker tracker = opentracker();
        Path seedA = newDir("seed-aria2");
        Path seedB = newDir("seed-libtorrent");
        Path payload = Payloads.randomFile(seedA.resolve("both.bin"), 8 * 1024 * 1024, 5);
        Files.copy(payload, seedB.resolve("both.bin"));
        Path torrent = Torrents.mktorrent(dir, payload, "both", 16, tracker.httpAnnounce());
        String hash = Torrents.infoHashHex(torrent);
        tracker.allow(hash);
        ManagedProcess aria2 = aria2Seed(torrent, seedA, Ports.free());
        ManagedProcess libtorrent = libtorrentSeed(torrent, seedB, Ports.free());
        tracker.awaitSeeders(hash, 2, Duration.ofSeconds(30));

        Path out = newDir("out");
        // a download limit keeps the transfer going long enough for both connections to be counted
        BtgetProcess btget = btget("btget", "download", torrent.toString(), "-d", out.toString(),
                "-p", Integer.toString(Ports.free()), "--stall-timeout", "30s", "--download-limit", "2M");

        assertCompleteAndIdentical(btget, torrent, payload, out.resolve("both.bin"), aria2, libtorrent);
        long mostPeers = btget.events().stream().filter(e -> e.containsKey("peers"))
                .mapToLong(e -> BtgetProcess.number(e, "peers")).max().orElse(0);
        assertThat(mostPeers).as("most peers connected at once\n%s", btget.process().stdout()).isEqualTo(2);
    }

    @Test
    void survivesItsOnlySeederDyingMidDownloadAndFinishesFromOneThatDialsInLater() throws Exception {
        Tools.requireLibtorrent();
        Opentracker tracker = opentracker();
        Path seedA = newDir("seed-aria2");
        Path seedB = newDir("seed-libtorrent");
        Path payload = Payloads.randomFile(seedA.resolve("phoenix.bin"), 6_000_000, 19);
        Files.copy(payload, seedB.resolve("phoenix.bin"));
        Path torrent = Torrents.mktorrent(dir, payload, "phoenix", 16, tracker.httpAnnounce());
        String hash = Torrents.infoHashHex(torrent);
        tracker.allow(hash);
        ManagedProcess aria2 = aria2Seed(torrent, seedA, Ports.free());
        tracker.awaitSeeders(hash, 1, Duration.ofSeconds(30));

        Path out = newDir("out");
        BtgetProcess btget = btget("btget", "download", torrent.toString(), "-d", out.toString(),
                "-p", Integer.toString(Ports.free()), "--stall-timeout", "40s", "--download-limit", "1M");
        btget.awaitEvent(e -> "progress".equals(e.get("event")) && BtgetProcess.number(e, "pieces") >= 10,
                Duration.ofSeconds(30), "10 pieces from aria2c");
        aria2.close(); // SIGKILL: connections drop with blocks in flight
        // the new seeder learns of btget from the tracker and dials it (btget re-announces only every 30 min here)
        ManagedProcess libtorrent = libtorrentSeed(torrent, seedB, Ports.free());

        assertCompleteAndIdentical(btget, torrent, payload, out.resolve("phoenix.bin"), libtorrent);
    }

    /** btget exits 0 with a "complete" summary, the data is byte-identical, and {@code btget verify} agrees. */
    void assertCompleteAndIdentical(BtgetProcess btget, Path torrent, Path expected, Path actual, Object... peers)
            throws Exception {
        int code = btget.awaitExit(DOWNLOAD_TIME);
        assertThat(code).as("btget exit code%s", logsOf(btget, peers)).isZero();
        Map<String, Object> summary = btget.last();
        assertThat(summary.get("event")).as("final JSON line %s", summary).isEqualTo("complete");
        assertThat(BtgetProcess.number(summary, "pieces")).isEqualTo(Torrents.parse(torrent).pieceCount());
        Payloads.assertSameTree(expected, actual);
        Path verifyRoot = actual.getParent();
        assertThat(BtgetProcess.run(logs(), dir, Duration.ofSeconds(60), "verify", torrent.toString(), "-d",
                verifyRoot.toString())).as("btget verify exit code").isZero();
    }
}
