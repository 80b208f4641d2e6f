package io.btget.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Issue 4: {@code btget tracker} brings btget seeders and leechers, and real clients, together. */
@Tag("interop")
@Timeout(150)
class BuiltInTrackerIT extends InteropTestBase {

    private BtgetTracker tracker() throws Exception {
        return track(BtgetTracker.start(logs(), dir));
    }

    private Path btgetCreate(Path source, String announce, String name) throws Exception {
        Path torrent = dir.resolve(name + ".torrent");
        int code = BtgetProcess.run(logs(), dir, Duration.ofSeconds(60), "create", source.toString(), "-t", announce,
                "-o", torrent.toString(), "--piece-size", "32K");
        assertThat(code).as("btget create exit code").isZero();
        return torrent;
    }

    private void btgetToBtget(String announce) throws Exception {
        Path seedDir = newDir("seed");
        Path payload = Payloads.tree(seedDir.resolve("tree"), 9);
        Path torrent = btgetCreate(payload, announce, "tree");
        BtgetProcess seeder = btget("btget-seed", "seed", torrent.toString(), "-d", seedDir.toString(),
                "-p", Integer.toString(Ports.free()));
        seeder.awaitEvent(e -> "progress".equals(e.get("event")) && "seeding".equals(e.get("phase")),
                Duration.ofSeconds(30), "seeding");

        Path out = newDir("out");
        BtgetProcess leecher = btget("btget-get", "download", torrent.toString(), "-d", out.toString(),
                "-p", Integer.toString(Ports.free()), "--stall-timeout", "30s");
        int code = leecher.awaitExit(Duration.ofSeconds(90));
        assertThat(code).as("leecher exit code%s", logsOf(leecher, seeder)).isZero();
        assertThat(leecher.last().get("event")).isEqualTo("complete");
        Payloads.assertSameTree(payload, out.resolve("tree"));
    }

    @Test
    void btgetDownloadsFromBtgetThroughTheBuiltInTrackerOverHttp() throws Exception {
        btgetToBtget(tracker().httpAnnounce());
    }

    @Test
    void btgetDownloadsFromBtgetThroughTheBuiltInTrackerOverUdp() throws Exception {
        btgetToBtget(tracker().udpAnnounce());
    }

    @Test
    void aria2SeedsToTransmissionThroughTheBuiltInTracker() throws Exception {
        Tools.require("aria2c");
        Tools.require("transmission-cli");
        BtgetTracker tracker = tracker();
        Path seedDir = newDir("seed");
        Path payload = Payloads.tree(seedDir.resolve("tree"), 10);
        Files.delete(payload.resolve("empty.txt")); // transmission does not create zero-byte files
        Path torrent = Torrents.mktorrent(dir, payload, "tree", 15, tracker.httpAnnounce());
        // aria2c re-announces every 2 s, so it learns of transmission (which never dials loopback) and dials it
        ManagedProcess aria2 = aria2Seed(torrent, seedDir, Ports.free(), "--bt-tracker-interval=2");
        Path out = newDir("out");
        ManagedProcess transmission = transmissionDownload(torrent, out, Ports.free());

        Path marker = dir.resolve(Transmission.FINISHED_MARKER);
        transmission.await(() -> Files.exists(marker), Duration.ofSeconds(100),
                "transmission finishing" + logsOf(aria2, tracker.process()));
        Payloads.assertSameTree(payload, out.resolve("tree"));
    }

    @Test
    void btgetSeederLearnsOfALateTransmissionLeecherOnReannounceAndDialsIt() throws Exception {
        Tools.require("transmission-cli");
        // btget never re-announces sooner than 30 s, whatever the tracker says: the test waits up to ~45 s for it
        BtgetTracker tracker = track(BtgetTracker.start(logs(), dir, "--interval", "5"));
        Path seedDir = newDir("seed");
        Path payload = Payloads.randomFile(seedDir.resolve("late.bin"), 1_000_000, 17);
        Path torrent = btgetCreate(payload, tracker.httpAnnounce(), "late");
        BtgetProcess seeder = btget("btget-seed", "seed", torrent.toString(), "-d", seedDir.toString(),
                "-p", Integer.toString(Ports.free()));
        seeder.awaitEvent(e -> "progress".equals(e.get("event")) && "seeding".equals(e.get("phase")),
                Duration.ofSeconds(30), "seeding");

        Path out = newDir("out");
        ManagedProcess transmission = transmissionDownload(torrent, out, Ports.free());
        Path marker = dir.resolve(Transmission.FINISHED_MARKER);
        transmission.await(() -> Files.exists(marker), Duration.ofSeconds(100),
                "transmission finishing" + logsOf(seeder, tracker.process()));
        Payloads.assertSameTree(payload, out.resolve("late.bin"));
    }

    @Test
    void libtorrentSeederFoundThroughTheBuiltInTrackerOverUdp() throws Exception {
        Tools.requireLibtorrent();
        BtgetTracker tracker = tracker();
        Path seedDir = newDir("seed");
        Path payload = Payloads.tree(seedDir.resolve("tree"), 20);
        // a hybrid torrent: libtorrent announces both the v1 and the truncated v2 info hash (BEP 52)
        Path torrent = Torrents.libtorrent(dir, payload, "hybrid", 32768, true, tracker.udpAnnounce());
        ManagedProcess seeder = libtorrentSeed(torrent, seedDir, Ports.free());

        Path out = newDir("out");
        // libtorrent's first announce may land after ours: the seeder dials us once it hears of us, or we retry
        BtgetProcess leecher = btget("btget-get", "download", torrent.toString(), "-d", out.toString(),
                "-p", Integer.toString(Ports.free()), "--stall-timeout", "40s");
        int code = leecher.awaitExit(Duration.ofSeconds(90));
        assertThat(code).as("leecher exit code%s", logsOf(leecher, seeder, tracker.process())).isZero();
        Payloads.assertSameTree(payload, out.resolve("tree"));
    }
}
