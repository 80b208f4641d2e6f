package io.btget.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The set-ups of MagnetIT, PexIT and FastIT with real clients in btget's place: when these pass and a btget test
 * fails, the fault is btget's, not the harness's (qbittorrent profile, lt-peer.py options, aria2c's magnet mode,
 * what libtorrent 2.0.8's peer_log prints).
 */
@Tag("interop")
@Tag("harness")
@Timeout(150)
class HarnessSelfCheckIT extends InteropTestBase {

    @Test
    void libtorrentDownloadsMagnetFromLibtorrentGivenOnlyAPeerAddress() throws Exception {
        Path seedDir = newDir("seed");
        Path payload = Payloads.tree(seedDir.resolve("tree"), 61);
        Path torrent = Torrents.mktorrent(dir, payload, "tree", 15);
        LibtorrentPeer seeder = libtorrentPeer("libtorrent-seed", seedDir, LibtorrentPeer.Options.torrent(torrent)
                .seed());

        Path out = newDir("out");
        LibtorrentPeer leecher = libtorrentPeer("libtorrent-magnet", out, LibtorrentPeer.Options
                .magnet(Magnets.withPeer(Magnets.of(torrent), seeder.port())).timeoutSeconds(90));

        assertThat(leecher.awaitExit(Duration.ofSeconds(100))).as("exit code%s", logsOf(leecher, seeder)).isZero();
        Payloads.assertSameTree(payload, out.resolve("tree"));
        assertThat(leecher.peerLog("<== UT_METADATA")).isNotEmpty();
        // the lines FastIT looks for, between two libtorrents
        assertThat(seeder.peerLog("==> HAVE_ALL")).isNotEmpty();
        assertThat(leecher.peerLog("<== HAVE_ALL")).isNotEmpty();
    }

    @Test
    void aSeederWithoutUtMetadataCannotServeAMagnet() throws Exception {
        Path seedDir = newDir("seed");
        Path payload = Payloads.randomFile(seedDir.resolve("kept.bin"), 300_000, 62);
        Path torrent = Torrents.mktorrent(dir, payload, "kept", 15);
        LibtorrentPeer seeder = libtorrentPeer("libtorrent-no-metadata", seedDir,
                LibtorrentPeer.Options.torrent(torrent).noMetadata().seed());

        LibtorrentPeer leecher = libtorrentPeer("libtorrent-magnet", newDir("out"), LibtorrentPeer.Options
                .magnet(Magnets.withPeer(Magnets.of(torrent), seeder.port())).timeoutSeconds(12));

        assertThat(leecher.awaitExit(Duration.ofSeconds(30))).as("exit code (1: timed out)%s", logsOf(leecher))
                .isEqualTo(1);
        assertThat(leecher.process().stdout()).doesNotContain("METADATA");
        assertThat(leecher.peerLog("<== HANDSHAKE")).as("it did connect").isNotEmpty();
    }

    @Test
    void libtorrentAndAria2DownloadMagnetsFromQbittorrentFoundThroughOpentracker() throws Exception {
        Qbittorrent.require();
        Tools.require("aria2c");
        Opentracker tracker = opentracker();
        Path seedDir = newDir("seed");
        Path payload = Payloads.tree(seedDir.resolve("tree"), 63);
        Path torrent = Torrents.mktorrent(dir, payload, "tree", 15, tracker.httpAnnounce());
        String hash = Torrents.infoHashHex(torrent);
        tracker.allow(hash);
        Qbittorrent qb = qbittorrent("qbittorrent-seed");
        qb.addTorrent(torrent, seedDir);
        qb.awaitSeeding(hash, Duration.ofSeconds(30));
        tracker.awaitSeeders(hash, 1, Duration.ofSeconds(30));
        String magnet = Magnets.withTracker(Magnets.of(torrent), tracker.httpAnnounce());

        Path ltOut = newDir("out-libtorrent");
        LibtorrentPeer libtorrent = libtorrentPeer("libtorrent-magnet", ltOut, LibtorrentPeer.Options.magnet(magnet)
                .timeoutSeconds(90));
        assertThat(libtorrent.awaitExit(Duration.ofSeconds(100))).as("libtorrent exit code%s",
                logsOf(libtorrent, qb)).isZero();
        Payloads.assertSameTree(payload, ltOut.resolve("tree"));

        Path ariaOut = newDir("out-aria2");
        ManagedProcess aria2 = track(Aria2.downloadMagnet(logs(), magnet, ariaOut, Ports.free(),
                "--bt-stop-timeout=60"));
        assertThat(aria2.awaitExit(Duration.ofSeconds(100))).as("aria2c exit code%s", logsOf(aria2, qb)).isZero();
        Payloads.assertSameTree(payload, ariaOut.resolve("tree"), n -> n.endsWith(".aria2"));
    }

    /** PexIT's first set-up with libtorrent X in btget's place: X learns B from A's PEX and gets data from B. */
    @Test
    void libtorrentLearnsASecondSeederThroughPexAndDownloadsFromIt() throws Exception {
        PexIT.Swarm s = PexIT.halfAndFull(dir, 64);
        LibtorrentPeer b = libtorrentPeer("libtorrent-B", s.full(), LibtorrentPeer.Options.torrent(s.torrent())
                .noPex().seed());
        LibtorrentPeer a = libtorrentPeer("libtorrent-A", s.half(), LibtorrentPeer.Options.torrent(s.torrent())
                .keepRunning().connect(b.port()).uploadLimit(20_000).downloadLimit(2_000).timeoutSeconds(140));
        a.awaitConnectedTo(b.port(), Duration.ofSeconds(30));

        Path out = newDir("out");
        LibtorrentPeer x = libtorrentPeer("libtorrent-X", out, LibtorrentPeer.Options.torrent(s.torrent())
                .connect(a.port()).timeoutSeconds(90));
        long fromB = 0;
        boolean last = false;
        while (!last) {
            // one more read after X exits: its final status (written as it finished) has B's total, which a fast
            // transfer from B may have put there entirely after the last poll (CI read 0 bytes that way)
            last = !x.process().isAlive();
            fromB = Math.max(fromB, x.peers().stream().filter(p -> LibtorrentPeer.number(p, "port") == b.port())
                    .mapToLong(p -> LibtorrentPeer.number(p, "total_download")).sum());
            if (!last) {
                Thread.sleep(200);
            }
        }
        assertThat(x.awaitExit(Duration.ofSeconds(1))).as("X exit code%s", logsOf(x, a, b)).isZero();
        Payloads.assertSameTree(s.payload(), out.resolve("pex.bin"));
        assertThat(fromB).as("bytes X got from B").isGreaterThan(1_000_000);
        assertThat(x.peerLog("<== PEX")).isNotEmpty();
    }

    /** PexIT's second set-up with libtorrent as S and P: L learns P's listening port from S's PEX. */
    @Test
    void libtorrentLearnsALeecherFromASeedersPex() throws Exception {
        PexIT.Swarm s = PexIT.halfAndFull(dir, 65);
        LibtorrentPeer seeder = libtorrentPeer("libtorrent-S", s.full(), LibtorrentPeer.Options.torrent(s.torrent())
                .seed());
        LibtorrentPeer p = libtorrentPeer("libtorrent-P", newDir("out-P"), LibtorrentPeer.Options
                .torrent(s.torrent()).connect(seeder.port()).downloadLimit(50_000).timeoutSeconds(140));
        p.awaitConnectedTo(seeder.port(), Duration.ofSeconds(30));

        LibtorrentPeer l = libtorrentPeer("libtorrent-L", newDir("out-L"), LibtorrentPeer.Options
                .torrent(s.torrent()).connect(seeder.port()).downloadLimit(20_000).timeoutSeconds(140));
        l.process().await(() -> l.peers().stream().anyMatch(q -> LibtorrentPeer.number(q, "port") == p.port()
                        && (LibtorrentPeer.number(q, "source") & LibtorrentPeer.SOURCE_PEX) != 0),
                Duration.ofSeconds(60), "peer on P's port learned through PEX");
    }
}
