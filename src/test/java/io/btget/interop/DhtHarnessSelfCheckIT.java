package io.btget.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The set-ups of DhtIT with real clients only (python3-libtorrent 2.0.8 and aria2c 1.36 in btget's place): when
 * these pass and a DhtIT test fails, the fault is btget's DHT, not the harness's (lt-dht.py's settings, loopback
 * addresses, aria2c's DHT flags). No tracker, no peer address: every peer is found through the DHT (BEP 5).
 *
 * <p>The network: R, a plain libtorrent node on 127.1.0.1 that plays "the rest of the DHT"; seeders bootstrap at R
 * and announce to it (libtorrent answers get_peers with peers announced to it, not with its own torrents, so a
 * lone seeder is found only once its periodic announce reaches the asker; through R it is found at once).
 */
@Tag("interop")
@Tag("harness")
@Timeout(150)
class DhtHarnessSelfCheckIT extends InteropTestBase {
    static final Duration DOWNLOAD_TIME = Duration.ofSeconds(90);
    static final Duration ANNOUNCE_TIME = Duration.ofSeconds(30);

    /** The set-up: a leecher on 127.2.0.1 whose only bootstrap node is the seeder's on 127.1.0.1. */
    @Test
    void libtorrentLeecherBootstrappedAtTheSeedersNodeFindsItAndCompletes() throws Exception {
        Path seedDir = newDir("seed");
        Path payload = Payloads.randomFile(seedDir.resolve("dht.bin"), 1_500_000, 71);
        Path torrent = Torrents.mktorrent(dir, payload, "dht", 15);
        LibtorrentDht seeder = lt("libtorrent-seed", 1, seedDir, LibtorrentDht.Options.torrent(torrent).seed());

        Path out = newDir("out");
        LibtorrentDht leecher = lt("libtorrent-leech", 2, out, LibtorrentDht.Options.magnet(Magnets.of(torrent))
                .bootstrap(seeder.address()).timeoutSeconds(80));

        assertThat(leecher.awaitExit(DOWNLOAD_TIME)).as("leecher exit code%s", logs(leecher, seeder)).isZero();
        Payloads.assertSameTree(payload, out.resolve("dht.bin"));
        assertThat(leecher.gotResponseTo("get_peers", "127.1.0.1", seeder.port())).as("get_peers answered")
                .isTrue();
    }

    /** DhtIT (a) with libtorrent in btget's place: a downloader bootstrapped at R finds the seeder R stores. */
    @Test
    void libtorrentFindsASeederAnnouncedToTheNodeItBootstrapsAt() throws Exception {
        LibtorrentDht router = lt("libtorrent-router", 1, newDir("router"), LibtorrentDht.Options.node());
        Path seedDir = newDir("seed");
        Path payload = Payloads.tree(seedDir.resolve("tree"), 72);
        Path torrent = Torrents.mktorrent(dir, payload, "tree", 15);
        String hash = Torrents.infoHashHex(torrent);
        LibtorrentDht seeder = lt("libtorrent-seed", 2, seedDir, LibtorrentDht.Options.torrent(torrent).seed()
                .bootstrap(router.address()));
        router.awaitAnnounceFrom(hash, seeder.address(), ANNOUNCE_TIME);

        Path out = newDir("out");
        LibtorrentDht leecher = lt("libtorrent-leech", 3, out, LibtorrentDht.Options.magnet(Magnets.of(torrent))
                .bootstrap(router.address()).getPeers(hash).timeoutSeconds(80));

        assertThat(leecher.awaitExit(DOWNLOAD_TIME)).as("leecher exit code%s", logs(leecher, seeder, router))
                .isZero();
        Payloads.assertSameTree(payload, out.resolve("tree"));
        assertThat(leecher.peersFound()).as("peers its get_peers lookups returned").contains(seeder.address());
    }

    /**
     * DhtIT (b) with libtorrent in btget's place: the seeder X announced to R; a leecher whose only bootstrap node
     * is X finds X (through R, which X's replies name) and its announce_peer to X, made with X's token, is accepted.
     */
    @Test
    void libtorrentLeecherBootstrappedOnlyAtASeederFindsItAndAnnouncesToIt() throws Exception {
        LibtorrentDht router = lt("libtorrent-router", 1, newDir("router"), LibtorrentDht.Options.node());
        Path seedDir = newDir("seed");
        Path payload = Payloads.randomFile(seedDir.resolve("dht.bin"), 2_000_000, 73);
        Path torrent = Torrents.mktorrent(dir, payload, "dht", 15);
        String hash = Torrents.infoHashHex(torrent);
        LibtorrentDht seeder = lt("libtorrent-seed", 2, seedDir, LibtorrentDht.Options.torrent(torrent).seed()
                .bootstrap(router.address()));
        router.awaitAnnounceFrom(hash, seeder.address(), ANNOUNCE_TIME);

        Path out = newDir("out");
        LibtorrentDht leecher = lt("libtorrent-leech", 3, out, LibtorrentDht.Options.magnet(Magnets.of(torrent))
                .bootstrap(seeder.address()).keepRunning().timeoutSeconds(120));
        leecher.process().awaitOutput("READY", DOWNLOAD_TIME);
        Payloads.assertSameTree(payload, out.resolve("dht.bin"));
        leecher.process().await(() -> leecher.gotResponseTo("announce_peer", "127.2.0.1", seeder.port()),
                ANNOUNCE_TIME, "a response to its announce_peer to the seeder's node");
        assertThat(seeder.announcesReceived(hash)).as("announces the seeder's node stored")
                .contains(leecher.address());
    }

    /**
     * DhtIT (c) with libtorrent in btget's place: aria2c, its DHT entry point the seeder's node, finds the seeder
     * and downloads the magnet. Facts: aria2c 1.36's DHT works on 127.x; a later {@code --enable-dht=true} overrides
     * the base {@code --enable-dht=false}; {@code --dht-file-path} keeps its routing table out of ~/.cache.
     */
    @Test
    void aria2FindsALibtorrentSeederThroughTheDhtFromItsNode() throws Exception {
        Tools.require("aria2c");
        LibtorrentDht router = lt("libtorrent-router", 1, newDir("router"), LibtorrentDht.Options.node());
        Path seedDir = newDir("seed");
        Path payload = Payloads.tree(seedDir.resolve("tree"), 74);
        Path torrent = Torrents.mktorrent(dir, payload, "tree", 15);
        String hash = Torrents.infoHashHex(torrent);
        LibtorrentDht seeder = lt("libtorrent-seed", 2, seedDir, LibtorrentDht.Options.torrent(torrent).seed()
                .bootstrap(router.address()));
        router.awaitAnnounceFrom(hash, seeder.address(), ANNOUNCE_TIME);

        Path out = newDir("out");
        ManagedProcess aria2 = aria2WithDht(Magnets.of(torrent), out, seeder.address());

        assertThat(aria2.awaitExit(DOWNLOAD_TIME)).as("aria2c exit code%s", logs(aria2, seeder, router)).isZero();
        Payloads.assertSameTree(payload, out.resolve("tree"), n -> n.endsWith(".aria2"));
        assertThat(aria2Krpc(aria2Log(), "received: dht response announce_peer", "127.2.0.1", seeder.port()))
                .as("aria2c's announce_peer answered by the seeder's node (log %s)", aria2Log()).isNotEmpty();
    }

    /**
     * aria2c's KRPC log lines ({@code --log-level=info}) of the given kind, e.g. "received: dht response
     * announce_peer", exchanged with the node at {@code host}:{@code port}.
     */
    static List<String> aria2Krpc(Path log, String kind, String host, int port) throws IOException {
        if (!Files.exists(log)) {
            return List.of();
        }
        try (var lines = Files.lines(log, StandardCharsets.ISO_8859_1)) {
            String remote = "Remote:" + host + "(" + port + ")";
            return lines.filter(l -> l.contains("Message " + kind + " ") && l.contains(remote)).toList();
        }
    }

    /** A libtorrent DHT node on 127.{@code net}.0.1, killed after the test. */
    LibtorrentDht lt(String name, int net, Path saveDir, LibtorrentDht.Options options)
            throws IOException, InterruptedException {
        InetAddress ip = LibtorrentDht.loopback(net);
        return track(LibtorrentDht.start(dir, name, ip, saveDir, options));
    }

    /**
     * aria2c downloading {@code magnet} with its DHT on and {@code entryPoint} ("host:port") as its only DHT entry
     * point; its routing table file under the test directory; exits when complete.
     */
    ManagedProcess aria2WithDht(String magnet, Path out, String entryPoint) throws IOException {
        return track(Aria2.downloadMagnet(logs(), magnet, out, Ports.free(), "--enable-dht=true",
                "--dht-entry-point=" + entryPoint, "--dht-listen-port=" + Ports.free(),
                "--dht-file-path=" + dir.resolve("aria2-dht.dat"), "--bt-stop-timeout=80", "--log=" + aria2Log(),
                "--log-level=info"));
    }

    /** aria2c's own log ({@code --log-level=info}: one "Message sent/received: dht ..." line per KRPC packet). */
    Path aria2Log() {
        return logs().resolve("aria2c-dht.log");
    }

    /** Logs of every process given (LibtorrentDht with its status and the tail of its KRPC log). */
    static String logs(Object... processes) {
        StringBuilder sb = new StringBuilder();
        for (Object p : processes) {
            if (p instanceof LibtorrentDht node) {
                sb.append("\n=== ").append(node.process().name()).append(" (").append(node.address()).append(")\n")
                        .append(node.describe());
                var packets = node.packets();
                sb.append("\n--- last KRPC packets:\n");
                packets.subList(Math.max(0, packets.size() - 20), packets.size())
                        .forEach(k -> sb.append(k).append('\n'));
            } else {
                sb.append(logsOf(p));
            }
        }
        return sb.toString();
    }
}
