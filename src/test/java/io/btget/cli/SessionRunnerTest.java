package io.btget.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.btget.cli.progress.ProgressView;
import io.btget.cli.progress.ProgressViews;
import io.btget.metainfo.Torrent;
import io.btget.session.Stats;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SessionRunnerTest {
    private static final Path TORRENT = Path.of(System.getProperty("btget.testdata", "testdata"), "torrents",
            "mktorrent-single.torrent");

    private static Stats stats(String phase, long verified, int peers, long elapsedMs) {
        return new Stats(phase, 3L << 30, verified, verified, 0, 120e6, 0, peers, 5, 0, 10, 3072, 0, 0, elapsedMs);
    }

    private static Torrent torrent() throws Exception {
        return Torrent.parse(Files.readAllBytes(TORRENT));
    }

    @Test
    void theLiveLineFitsEveryWidthWithTrackerTrouble() throws Exception {
        StringWriter sink = new StringWriter();
        ProgressView view = ProgressViews.choose(false, ProgressViews.Mode.NONE, false, new PrintWriter(sink));
        SessionRunner.Listener listener = new SessionRunner.Listener(view, torrent());
        listener.event("tracker_error", "tracker http://127.0.0.1:1/announce: connection refused or unreachable",
                Map.of("tracker", "http://127.0.0.1:1/announce", "message", "connection refused or unreachable"));
        for (String phase : new String[] {"checking", "downloading", "seeding"}) {
            var line = listener.line(stats(phase, 1L << 30, 0, 1000));
            for (int width = 20; width <= 200; width++) {
                assertThat(line.fit(width).length()).as("%s at %d", phase, width).isLessThan(width);
            }
        }
        assertThat(listener.line(stats("downloading", 1L << 30, 0, 1000)).fit(80))
                .startsWith(" 33.3%").contains("DL 114 MiB/s").endsWith("tracker: refused");
        assertThat(listener.line(stats("downloading", 1L << 30, 0, 1000)).fit(40)).contains("tracker: refused");
        // once peers are connected the tracker matters less than the room on the line
        assertThat(listener.line(stats("downloading", 1L << 30, 2, 1000)).full()).doesNotContain("tracker");
    }

    @Test
    void trackerTroubleIsAPlainLineWhenItHappensAndOnceWhileItStaysTheSame() throws Exception {
        StringWriter sink = new StringWriter();
        ProgressView view = ProgressViews.choose(false, ProgressViews.Mode.PLAIN, false, new PrintWriter(sink));
        SessionRunner.Listener listener = new SessionRunner.Listener(view, torrent());
        Map<String, Object> f = Map.of("tracker", "udp://127.0.0.1:1", "message", "no reply");
        listener.event("tracker_error", "tracker udp://127.0.0.1:1: no reply after 3 tries", f);
        listener.event("tracker_error", "tracker udp://127.0.0.1:1: no reply after 3 tries", f);
        assertThat(sink.toString()).isEqualTo("btget: tracker udp://127.0.0.1:1: no reply after 3 tries\n");
        assertThat(listener.line(stats("downloading", 0, 0, 1000)).full()).endsWith("tracker: no reply");
    }

    @Test
    void quietShowsNoTrackerTrouble() throws Exception {
        StringWriter sink = new StringWriter();
        ProgressView view = ProgressViews.choose(false, ProgressViews.Mode.PLAIN, true, new PrintWriter(sink));
        new SessionRunner.Listener(view, torrent()).event("tracker_error", "tracker x: refused",
                Map.of("tracker", "x", "message", "refused"));
        view.finish("done", Map.of());
        assertThat(sink.toString()).isEmpty();
    }

    @Test
    void theMeanRateCoversTheDownloadPhaseOnly() throws Exception {
        ProgressView view = ProgressViews.choose(false, ProgressViews.Mode.NONE, false, new PrintWriter(new StringWriter()));
        SessionRunner.Listener listener = new SessionRunner.Listener(view, torrent());
        listener.stats(stats("checking", 0, 0, 5_000));
        listener.stats(stats("downloading", 0, 1, 10_000));
        listener.stats(stats("downloading", 3L << 30, 1, 40_000));
        Stats seeded = new Stats("seeding", 3L << 30, 3L << 30, 3L << 30, 1L << 30, 0, 1e6, 1, 5, 0, 3072, 3072, 0, 0,
                600_000);
        listener.stats(seeded);
        assertThat(listener.downloadMillis(seeded)).isEqualTo(30_000);
        assertThat(SessionRunner.completeLine(torrent(), seeded, listener.downloadMillis(seeded)))
                .contains("complete in 30.0s").contains("(102 MiB/s)").contains("3072 of 3072 pieces verified");
    }

    @Test
    void trackerMessagesShrinkToAWord() {
        assertThat(SessionRunner.shortReason("http://x/a: connection refused or unreachable")).isEqualTo("refused");
        assertThat(SessionRunner.shortReason("udp://x:1: no reply to connect after 3 tries (7 s)")).isEqualTo("no reply");
        assertThat(SessionRunner.shortReason("http://x/a: unknown host x")).isEqualTo("unknown host");
        assertThat(SessionRunner.shortReason("http://x/a: HTTP 404")).isEqualTo("HTTP 404");
        assertThat(SessionRunner.shortReason("tracker failure: unregistered torrent")).isEqualTo("failure");
    }

    @Test
    void withTheDhtOnLinesShowItsNodesAndPeersAndJsonCarriesThemFittedToEveryWidth() throws Exception {
        StringWriter json = new StringWriter();
        ProgressView jsonView = ProgressViews.choose(true, ProgressViews.Mode.AUTO, false, new PrintWriter(json));
        SessionRunner.Listener listener = new SessionRunner.Listener(jsonView, torrent(), true);
        Stats s = stats("downloading", 1L << 30, 2, 1000).withDht(120, 3);
        listener.stats(s);
        assertThat(json.toString()).contains("\"dhtNodes\":120").contains("\"dhtPeers\":3");
        assertThat(listener.line(s).full()).contains("dht: 120 nodes, 3 peers");
        assertThat(listener.line(stats("downloading", 0, 0, 1000)).full()).as("0 while bootstrapping")
                .contains("dht: 0 nodes, 0 peers");
        for (String phase : new String[] {"downloading", "seeding"}) {
            var line = listener.line(stats(phase, 1L << 30, 0, 1000).withDht(100_000, 1_000));
            for (int width = 20; width <= 200; width++) {
                assertThat(line.fit(width).length()).as("%s at %d", phase, width).isLessThan(width);
            }
        }
        assertThat(listener.line(Stats.metadata(1, 2, 1, 0, 0, 1_000).withDht(8, 1)).full())
                .contains("dht: 8 nodes, 1 peer");

        StringWriter off = new StringWriter();
        SessionRunner.Listener noDht = new SessionRunner.Listener(
                ProgressViews.choose(true, ProgressViews.Mode.AUTO, false, new PrintWriter(off)), torrent());
        noDht.stats(stats("downloading", 1L << 30, 2, 1000));
        assertThat(off.toString()).doesNotContain("dht");
        assertThat(noDht.line(stats("downloading", 1L << 30, 2, 1000)).full()).doesNotContain("dht");
    }

    @Test
    void theMetadataPhaseIsAProgressObjectInJsonAndALineOfPeersAndPiecesOtherwise() {
        StringWriter json = new StringWriter();
        ProgressView jsonView = ProgressViews.choose(true, ProgressViews.Mode.AUTO, false, new PrintWriter(json));
        SessionRunner.Listener listener = new SessionRunner.Listener(jsonView, null);
        listener.stats(Stats.metadata(3, 9, 2, 5, 12, 4_000));
        assertThat(json.toString()).startsWith("{\"event\":\"progress\"").contains("\"phase\":\"metadata\"")
                .contains("\"peers\":3").contains("\"knownPeers\":9").contains("\"utMetadataPeers\":2")
                .contains("\"pieces\":5").contains("\"pieceCount\":12").contains("\"percent\":41.67");
        assertThat(listener.line(Stats.metadata(0, 0, 0, 0, 0, 1_000)).full())
                .isEqualTo("fetching metadata: 0 of 0 peers (0 with ut_metadata), size not known yet");
        StringWriter plain = new StringWriter();
        ProgressView plainView = ProgressViews.choose(false, ProgressViews.Mode.NONE, false, new PrintWriter(plain));
        SessionRunner.Listener human = new SessionRunner.Listener(plainView, null);
        human.event("tracker_error", "tracker udp://127.0.0.1:1: no reply",
                Map.of("tracker", "udp://127.0.0.1:1", "message", "no reply"));
        assertThat(human.line(Stats.metadata(0, 0, 0, 0, 0, 1_000)).full()).endsWith("tracker: no reply");
    }

    @Test
    void metadataReceivedShowsTheTorrentsSizeInUnits() {
        StringWriter sink = new StringWriter();
        ProgressView view = ProgressViews.choose(false, ProgressViews.Mode.NONE, false, new PrintWriter(sink));
        Map<String, Object> f = new java.util.LinkedHashMap<>();
        f.put("name", "x.iso");
        f.put("totalSize", 4_000_000L);
        f.put("pieceCount", 245);
        f.put("size", 4_000_000L);
        f.put("pieces", 245);
        f.put("peers", 2);
        new SessionRunner.Listener(view, null).event("metadata_received", "metadata received: raw", f);
        assertThat(sink.toString()).isEqualTo("metadata received: x.iso, 3.81 MiB in 245 pieces (from 2 peers)\n");
    }

    @Test
    void cachedMetadataIsAnEventWithItsPath() throws Exception {
        StringWriter plain = new StringWriter();
        ProgressView view = ProgressViews.choose(false, ProgressViews.Mode.NONE, false, new PrintWriter(plain));
        Path path = Path.of("/tmp/store/abc.torrent");
        SessionRunner.cachedEvent(view, torrent(), path);
        assertThat(plain.toString()).isEqualTo("metadata of " + torrent().name() + " found in " + path + "\n");
        StringWriter json = new StringWriter();
        SessionRunner.cachedEvent(ProgressViews.choose(true, ProgressViews.Mode.AUTO, false, new PrintWriter(json)),
                torrent(), path);
        assertThat(json.toString()).startsWith("{\"event\":\"metadata_cached\"")
                .contains("\"infoHash\":\"" + torrent().infoHash().hex() + "\"").contains("\"path\":\"" + path + "\"");
    }

    @Test
    void aRunWhoseOnlySourcesWereWebSeedsSaysWhyTheWebSeedFailedNotThatNoTrackerAnswered() {
        String webSeed = "web seed http://127.0.0.1:18098/ cannot be used: given up after 6 failures in a row";
        assertThat(SessionRunner.noPeersMessage(false, true, false, java.util.Optional.empty(),
                java.util.Optional.of(webSeed))).isEqualTo("no web seed could be used and no peer could be reached (last: "
                        + webSeed + ")").doesNotContain("tracker");
        assertThat(SessionRunner.noPeersMessage(true, true, true, java.util.Optional.of("HTTP 404"),
                java.util.Optional.of(webSeed))).startsWith("no tracker answered").contains("DHT")
                .contains("last tracker error: HTTP 404").endsWith("; " + webSeed);
        assertThat(SessionRunner.noPeersMessage(true, false, false, java.util.Optional.empty(), java.util.Optional.empty()))
                .isEqualTo("no tracker answered and no peer could be reached");
    }

    @Test
    void aRunThatStalledWithPeersClosingItsHandshakesPointsAtEncryption() {
        assertThat(SessionRunner.handshakeHint(0, 3)).contains("3 connections closed by the peer during the handshake")
                .contains("--encryption");
        assertThat(SessionRunner.handshakeHint(1, 3)).as("a peer got through: the setting is not the problem").isEmpty();
        assertThat(SessionRunner.handshakeHint(0, 0)).isEmpty();
    }
}
