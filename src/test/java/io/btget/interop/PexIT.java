package io.btget.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 9: peer exchange (BEP 11, ut_pex) with libtorrent 2.0.8, which has ut_pex on by default and sends its first
 * PEX message about a second after the extension handshake (then once a minute). HarnessSelfCheckIT runs both
 * set-ups with libtorrent in btget's place.
 */
@Tag("interop")
@Timeout(150)
class PexIT extends InteropTestBase {
    /** The peer id prefix btget sends (Azureus style, PeerId.OUR_PREFIX without the version). */
    static final String BTGET_PEER_ID = "-BG";

    /**
     * btget knows only libtorrent peer A, which holds half the data and uploads at 20 kB/s; A is connected to seeder B
     * (A dialled B, so A's PEX carries B's listening port). B has no ut_pex, so B never learns of btget and cannot be
     * the one that dials: btget completes in time only by dialling B, which it can learn of only from A's PEX.
     */
    @Test
    void btgetLearnsASecondSeederThroughPexAndDownloadsFromIt() throws Exception {
        Swarm s = halfAndFull(dir, 41);
        LibtorrentPeer b = libtorrentPeer("libtorrent-B", s.full(), LibtorrentPeer.Options.torrent(s.torrent())
                .noPex().seed());
        LibtorrentPeer a = libtorrentPeer("libtorrent-A", s.half(), LibtorrentPeer.Options.torrent(s.torrent())
                .keepRunning().connect(b.port()).uploadLimit(20_000).downloadLimit(2_000).timeoutSeconds(140));
        a.awaitConnectedTo(b.port(), Duration.ofSeconds(30));

        Path out = newDir("out");
        BtgetProcess btget = btget("btget", "download", s.torrent().toString(), "-d", out.toString(),
                "-p", Integer.toString(Ports.free()), "--peer", "127.0.0.1:" + a.port(), "--stall-timeout", "60s");

        long fromB = 0;
        long deadline = System.nanoTime() + Duration.ofSeconds(100).toNanos();
        // B forgets btget's numbers once it disconnects: sample them while btget runs
        while (btget.process().isAlive() && System.nanoTime() < deadline) {
            fromB = Math.max(fromB, b.uploadedTo(BTGET_PEER_ID));
            Thread.sleep(50); // B writes its status every 100 ms; a short transfer fits between slow polls
        }
        // one more read after btget exits: a transfer from B that ended just before btget finished is in B's status
        // written after the last poll, until B notices the disconnect and drops btget from it
        fromB = Math.max(fromB, b.uploadedTo(BTGET_PEER_ID));
        assertThat(btget.process().isAlive()).as("btget still running after 100 s (A alone would need ~100 s for its"
                + " half and has not the other; B uploaded %d bytes to btget)%s", fromB, logsOf(btget, a, b)).isFalse();
        assertThat(btget.awaitExit(Duration.ofSeconds(1))).as("btget exit code%s", logsOf(btget, a, b)).isZero();
        Payloads.assertSameTree(s.payload(), out.resolve(s.payload().getFileName().toString()));
        assertThat(fromB).as("bytes seeder B uploaded to btget (B's peer_info)%s", logsOf(btget, a, b))
                .isGreaterThan(0);
    }

    /**
     * libtorrent L connects only to btget seeder S; btget leecher P (slowed to stay connected) is connected to S and
     * told S its listening port in its extension handshake. L's peer list comes to hold P's port, learned via PEX.
     */
    @Test
    void libtorrentLearnsABtgetPeerFromBtgetPex() throws Exception {
        Swarm s = halfAndFull(dir, 42);
        int seedPort = Ports.free();
        BtgetProcess seeder = btget("btget-seed-S", "seed", s.torrent().toString(), "-d", s.full().toString(),
                "-p", Integer.toString(seedPort));
        seeder.awaitEvent(e -> "progress".equals(e.get("event")) && "seeding".equals(e.get("phase")),
                Duration.ofSeconds(30), "seeding");
        int leecherPort = Ports.free();
        BtgetProcess leecher = btget("btget-leech-P", "download", s.torrent().toString(), "-d",
                newDir("out-P").toString(), "-p", Integer.toString(leecherPort), "--peer", "127.0.0.1:" + seedPort,
                "--download-limit", "50K", "--stall-timeout", "60s");
        leecher.awaitEvent(e -> "progress".equals(e.get("event")) && BtgetProcess.number(e, "pieces") >= 1,
                Duration.ofSeconds(30), "P downloading from S");

        LibtorrentPeer l = libtorrentPeer("libtorrent-L", newDir("out-L"), LibtorrentPeer.Options
                .torrent(s.torrent()).connect(seedPort).downloadLimit(20_000).timeoutSeconds(140));
        // S sends its first PEX to L (naming P) and to P (naming L) on the same tick, so P often dials L first. L
        // then shows P at P's outgoing port, and libtorrent merges the contact it learnt from S's PEX (P's listen
        // address, which only S's PEX can have told it: L knows no tracker and only S) into that entry, so the
        // entry carries the PEX source bit. Either sight proves L learnt P from btget's PEX.
        l.process().await(() -> l.peers().stream().anyMatch(p -> (LibtorrentPeer.number(p, "source")
                        & LibtorrentPeer.SOURCE_PEX) != 0 && (LibtorrentPeer.number(p, "port") == leecherPort
                        || LibtorrentPeer.number(p, "port") != seedPort
                                && String.valueOf(p.get("pid")).startsWith("-BG"))),
                Duration.ofSeconds(60), "peer on P's port " + leecherPort + " learned through PEX"
                        + logsOf(seeder, leecher));
        assertThat(l.peerLog("<== PEX")).as("PEX messages libtorrent received").isNotEmpty();
    }

    record Swarm(Path torrent, Path payload, Path full, Path half) {
    }

    /** A 4 MiB file in 64 KiB pieces, complete in {@code full/} and with its second half zeroed in {@code half/}. */
    static Swarm halfAndFull(Path dir, long seed) throws Exception {
        Path full = Files.createDirectories(dir.resolve("full"));
        Path payload = Payloads.randomFile(full.resolve("pex.bin"), 4 * 1024 * 1024, seed);
        Path torrent = Torrents.mktorrent(dir, payload, "pex", 16);
        Path half = Files.createDirectories(dir.resolve("half"));
        byte[] data = Files.readAllBytes(payload);
        Arrays.fill(data, data.length / 2, data.length, (byte) 0);
        Files.write(half.resolve("pex.bin"), data);
        return new Swarm(torrent, payload, full, half);
    }
}
