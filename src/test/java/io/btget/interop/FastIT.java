package io.btget.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 9: the Fast extension (BEP 6) with libtorrent 2.0.8, observed through libtorrent's peer_log alerts, which
 * name each message in ({@code <==}) and out ({@code ==>}): {@code HAVE_ALL [  ]}, {@code BITFIELD},
 * {@code CHOKE [  ]}, {@code REJECT_PIECE [ piece: 3 s: 4000 l: 4000 ]}. HarnessSelfCheckIT checks the HAVE_ALL
 * lines with libtorrent on both ends.
 */
@Tag("interop")
@Timeout(150)
class FastIT extends InteropTestBase {

    @Test
    void libtorrentSeederSendsHaveAllAndBtgetCompletes() throws Exception {
        Path seedDir = newDir("seed");
        Path payload = Payloads.randomFile(seedDir.resolve("fast.bin"), 2_000_000, 51);
        Path torrent = Torrents.mktorrent(dir, payload, "fast", 15);
        LibtorrentPeer seeder = libtorrentPeer("libtorrent-seed", seedDir, LibtorrentPeer.Options.torrent(torrent)
                .seed());

        Path out = newDir("out");
        BtgetProcess btget = btget("btget", "download", torrent.toString(), "-d", out.toString(), "-p",
                Integer.toString(Ports.free()), "--peer", "127.0.0.1:" + seeder.port(), "--stall-timeout", "30s");

        assertThat(btget.awaitExit(Duration.ofSeconds(100))).as("btget exit code%s", logsOf(btget, seeder)).isZero();
        assertThat(btget.last().get("event")).isEqualTo("complete");
        Payloads.assertSameTree(payload, out.resolve("fast.bin"));
        // libtorrent sends HAVE_ALL instead of a BITFIELD only to a peer that set the Fast bit in its handshake
        assertThat(seeder.peerLog("==> HAVE_ALL")).as("HAVE_ALL libtorrent sent%s", logsOf(btget, seeder))
                .isNotEmpty();
        assertThat(seeder.peerLog("==> BITFIELD")).as("BITFIELD libtorrent sent").isEmpty();
    }

    @Test
    void btgetSeederSendsHaveAllToLibtorrent() throws Exception {
        Path seedDir = newDir("seed");
        Path payload = Payloads.randomFile(seedDir.resolve("fast.bin"), 2_000_000, 52);
        Path torrent = Torrents.mktorrent(dir, payload, "fast", 15);
        int seedPort = Ports.free();
        BtgetProcess seeder = btget("btget-seed", "seed", torrent.toString(), "-d", seedDir.toString(), "-p",
                Integer.toString(seedPort));
        seeder.awaitEvent(e -> "progress".equals(e.get("event")) && "seeding".equals(e.get("phase")),
                Duration.ofSeconds(30), "seeding");

        Path out = newDir("out");
        LibtorrentPeer leecher = libtorrentPeer("libtorrent-get", out, LibtorrentPeer.Options.torrent(torrent)
                .connect(seedPort).timeoutSeconds(90));

        assertThat(leecher.awaitExit(Duration.ofSeconds(100))).as("libtorrent exit code%s", logsOf(leecher, seeder))
                .isZero();
        Payloads.assertSameTree(payload, out.resolve("fast.bin"));
        assertThat(leecher.peerLog("<== HAVE_ALL")).as("HAVE_ALL from btget%s", logsOf(seeder)).isNotEmpty();
        assertThat(leecher.peerLog("<== BITFIELD")).as("BITFIELD from btget (HAVE_ALL replaces it)").isEmpty();
    }

    /**
     * btget seeds to two libtorrent leechers with one upload slot at 32 kB/s: the slot is the optimistic unchoke,
     * which moves to the other interested peer every 30 s (Choker), so btget chokes a leecher that has requests
     * queued (libtorrent keeps many in flight). With the Fast extension it must reject each of them (BEP 6: "a peer
     * MUST reject all pending requests" on choke), and libtorrent logs {@code <== REJECT_PIECE}.
     */
    @Test
    void btgetRejectsQueuedRequestsWhenItChokesALibtorrentLeecher() throws Exception {
        Path seedDir = newDir("seed");
        Path payload = Payloads.randomFile(seedDir.resolve("choke.bin"), 4 * 1024 * 1024, 53);
        Path torrent = Torrents.mktorrent(dir, payload, "choke", 16);
        int seedPort = Ports.free();
        BtgetProcess seeder = btget("btget-seed", "seed", torrent.toString(), "-d", seedDir.toString(), "-p",
                Integer.toString(seedPort), "--max-uploads", "1", "--upload-limit", "32K");
        seeder.awaitEvent(e -> "progress".equals(e.get("event")) && "seeding".equals(e.get("phase")),
                Duration.ofSeconds(30), "seeding");

        // no PEX, so that the two leechers do not find and feed each other
        List<LibtorrentPeer> leechers = List.of(
                libtorrentPeer("libtorrent-1", newDir("out-1"), LibtorrentPeer.Options.torrent(torrent)
                        .connect(seedPort).noPex().timeoutSeconds(140)),
                libtorrentPeer("libtorrent-2", newDir("out-2"), LibtorrentPeer.Options.torrent(torrent)
                        .connect(seedPort).noPex().timeoutSeconds(140)));

        try {
            seeder.process().await(() -> leechers.stream().anyMatch(l -> rejectedAfterChoke(l.peerLog())),
                    Duration.ofSeconds(100), "a CHOKE then a REJECT_PIECE logged by a leecher of a Fast peer");
        } catch (AssertionError e) {
            StringBuilder seen = new StringBuilder();
            for (LibtorrentPeer l : leechers) {
                seen.append('\n').append(l.process().name()).append(": ");
                for (String what : List.of("<== EXTENSIONS", "<== HAVE_ALL", "<== UNCHOKE", "<== CHOKE",
                        "<== REJECT_PIECE", "<== PIECE")) {
                    seen.append(what).append(" x").append(l.peerLog(what).size()).append("  ");
                }
                l.peerLog("<== EXTENSIONS").stream().findFirst().ifPresent(x -> seen.append('\n').append(x));
            }
            throw new AssertionError(e.getMessage() + "\nleechers' peer_log:" + seen, e);
        }
    }

    /**
     * The peer set the Fast bit in its handshake, and a {@code <== REJECT_PIECE} line follows a {@code <== CHOKE}.
     * The Fast bit matters: when a peer without it chokes, libtorrent logs a REJECT_PIECE for each request it
     * drops itself (the choke implies them), so the line alone proves nothing.
     */
    static boolean rejectedAfterChoke(List<String> peerLog) {
        boolean fast = peerLog.stream().anyMatch(l -> l.contains("<== EXTENSIONS") && l.contains("FAST extension"));
        int choke = indexOf(peerLog, "<== CHOKE");
        return fast && choke >= 0 && indexOf(peerLog.subList(choke, peerLog.size()), "<== REJECT_PIECE") >= 0;
    }

    private static int indexOf(List<String> lines, String text) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(text)) {
                return i;
            }
        }
        return -1;
    }
}
