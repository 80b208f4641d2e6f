package io.btget.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Issue 4: real clients download from {@code btget seed}. */
@Tag("interop")
@Timeout(150)
class SeedToRealClientsIT extends InteropTestBase {

    @Test
    void aria2DownloadsFromBtgetSeederFoundThroughOpentracker() throws Exception {
        Opentracker tracker = opentracker();
        Path seedDir = newDir("seed");
        Path payload = Payloads.tree(seedDir.resolve("tree"), 7);
        Path torrent = Torrents.mktorrent(dir, payload, "tree", 15, tracker.httpAnnounce());
        String hash = Torrents.infoHashHex(torrent);
        tracker.allow(hash);
        BtgetProcess seeder = btget("btget-seed", "seed", torrent.toString(), "-d", seedDir.toString(),
                "-p", Integer.toString(Ports.free()));
        tracker.awaitSeeders(hash, 1, Duration.ofSeconds(30));

        Path out = newDir("out");
        ManagedProcess aria2 = track(Aria2.download(logs(), torrent, out, Ports.free(), "--bt-stop-timeout=60"));
        int code = aria2.awaitExit(Duration.ofSeconds(90));

        assertThat(code).as("aria2c exit code%s", logsOf(aria2, seeder)).isZero();
        Payloads.assertSameTree(payload, out.resolve("tree"), n -> n.endsWith(".aria2"));
        seeder.process().await(() -> seeder.events().stream().filter(e -> e.containsKey("uploaded"))
                .anyMatch(e -> BtgetProcess.number(e, "uploaded") > 0), Duration.ofSeconds(5), "uploaded > 0");
    }

    @Test
    void btgetSeederDialsTransmissionLeecherItLearnsFromTheTracker() throws Exception {
        Tools.require("transmission-cli");
        Opentracker tracker = opentracker();
        Path seedDir = newDir("seed");
        Path payload = Payloads.tree(seedDir.resolve("tree"), 8);
        Files.delete(payload.resolve("empty.txt")); // transmission does not create zero-byte files
        Path torrent = Torrents.mktorrent(dir, payload, "tree", 15, tracker.httpAnnounce());
        String hash = Torrents.infoHashHex(torrent);
        tracker.allow(hash);

        // transmission never dials 127.0.0.1 peers: it announces first, so that the seeder learns of it and dials out
        Path out = newDir("out");
        ManagedProcess transmission = transmissionDownload(torrent, out, Ports.free());
        transmission.await(() -> tracker.leechers(hash) >= 1, Duration.ofSeconds(30), "transmission's announce");
        BtgetProcess seeder = btget("btget-seed", "seed", torrent.toString(), "-d", seedDir.toString(),
                "-p", Integer.toString(Ports.free()));

        Path marker = dir.resolve(Transmission.FINISHED_MARKER);
        transmission.await(() -> Files.exists(marker), Duration.ofSeconds(90),
                "transmission finishing" + logsOf(seeder));
        Payloads.assertSameTree(payload, out.resolve("tree"));
    }

    @Test
    void btgetSeederDialsTransmissionGivenWithPeer() throws Exception {
        Tools.require("transmission-cli");
        Path seedDir = newDir("seed");
        Path payload = Payloads.randomFile(seedDir.resolve("direct.bin"), 1_500_000, 12);
        Path torrent = Torrents.mktorrent(dir, payload, "direct", 15, "http://127.0.0.1:9/announce");
        Path out = newDir("out");
        int transmissionPort = Ports.free();
        ManagedProcess transmission = transmissionDownload(torrent, out, transmissionPort);
        transmission.awaitOutput("Progress", Duration.ofSeconds(20));
        BtgetProcess seeder = btget("btget-seed", "seed", torrent.toString(), "-d", seedDir.toString(),
                "-p", Integer.toString(Ports.free()), "--peer", "127.0.0.1:" + transmissionPort);

        Path marker = dir.resolve(Transmission.FINISHED_MARKER);
        transmission.await(() -> Files.exists(marker), Duration.ofSeconds(90),
                "transmission finishing" + logsOf(seeder));
        Payloads.assertSameTree(payload, out.resolve("direct.bin"));
    }

    @Test
    void libtorrentDownloadsHybridTorrentWithPaddingFromBtgetSeeder() throws Exception {
        Tools.requireLibtorrent();
        Opentracker tracker = opentracker();
        Path seedDir = newDir("seed");
        Path payload = Payloads.tree(seedDir.resolve("tree"), 13);
        Path torrent = Torrents.libtorrent(dir, payload, "hybrid", 16384, true, tracker.httpAnnounce());
        String hash = Torrents.infoHashHex(torrent);
        tracker.allow(hash);
        BtgetProcess seeder = btget("btget-seed", "seed", torrent.toString(), "-d", seedDir.toString(),
                "-p", Integer.toString(Ports.free()));
        tracker.awaitSeeders(hash, 1, Duration.ofSeconds(30));

        Path out = newDir("out");
        ManagedProcess libtorrent = track(LibtorrentDownloader.start(dir, torrent, out, Ports.free()));
        int code = libtorrent.awaitExit(Duration.ofSeconds(110));
        assertThat(code).as("libtorrent downloader exit code%s", logsOf(libtorrent, seeder)).isZero();
        // libtorrent writes no padding files either, so the trees must match exactly
        Payloads.assertSameTree(payload, out.resolve("tree"));
    }

    @Test
    void btgetLeecherUploadsToAnAria2LeecherWhileBothDownloadFromASlowSeeder() throws Exception {
        Opentracker tracker = opentracker();
        Path seedDir = newDir("seed");
        Path payload = Payloads.randomFile(seedDir.resolve("shared.bin"), 3 * 1024 * 1024, 21);
        Path torrent = Torrents.mktorrent(dir, payload, "shared", 16, tracker.httpAnnounce());
        String hash = Torrents.infoHashHex(torrent);
        tracker.allow(hash);
        // at 256 KiB/s the seeder alone would need ~24 s to serve both leechers: they must trade
        ManagedProcess seeder = aria2Seed(torrent, seedDir, Ports.free(), "--max-upload-limit=256K");
        tracker.awaitSeeders(hash, 1, Duration.ofSeconds(30));

        Path btgetOut = newDir("out-btget");
        BtgetProcess btget = btget("btget", "download", torrent.toString(), "-d", btgetOut.toString(),
                "-p", Integer.toString(Ports.free()), "--stall-timeout", "40s", "--seed-time", "20s");
        btget.awaitEvent(e -> "progress".equals(e.get("event")) && "downloading".equals(e.get("phase")),
                Duration.ofSeconds(30), "downloading");
        // aria2c starts second, so it learns of btget from the tracker and dials it
        Path ariaOut = newDir("out-aria2");
        ManagedProcess leecher = track(Aria2.download(logs(), torrent, ariaOut, Ports.free(), "--bt-stop-timeout=60"));

        assertThat(leecher.awaitExit(Duration.ofSeconds(90))).as("aria2c exit code%s",
                logsOf(leecher, btget, seeder)).isZero();
        Payloads.assertSameTree(payload, ariaOut.resolve("shared.bin"), n -> n.endsWith(".aria2"));
        btget.process().await(() -> btget.events().stream().filter(e -> e.containsKey("uploaded"))
                .anyMatch(e -> BtgetProcess.number(e, "uploaded") > 0), Duration.ofSeconds(25),
                "btget uploaded to aria2c" + logsOf(btget));
        btget.awaitEvent(e -> "download_complete".equals(e.get("event")), Duration.ofSeconds(60), "btget complete");
        Payloads.assertSameTree(payload, btgetOut.resolve("shared.bin"));
    }
}
