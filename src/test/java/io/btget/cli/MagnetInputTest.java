package io.btget.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.btget.metainfo.MagnetLink;
import io.btget.metainfo.Torrent;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MagnetInputTest {
    private static final Path TORRENT = Path.of(System.getProperty("btget.testdata", "testdata"), "torrents",
            "mktorrent-single.torrent");
    private static final String HASH = "ab".repeat(20);

    @TempDir
    Path dir;

    private static Torrent stored() throws Exception {
        return Torrent.parse(Files.readAllBytes(TORRENT));
    }

    @Test
    void anXpeThatCannotBeDialledIsNamedWithWhy() {
        MagnetLink link = MagnetInput.parse("magnet:?xt=urn:btih:" + HASH + "&x.pe=127.0.0.1:0&x.pe=0.0.0.0:6881"
                + "&x.pe=127.0.0.1:6881");
        MagnetInput.Peers peers = MagnetInput.resolvePeers(link);
        assertThat(peers.usable()).containsExactly(new InetSocketAddress("127.0.0.1", 6881));
        assertThat(peers.unusable()).hasSize(2);
        assertThat(peers.unusable().get(0)).contains("127.0.0.1:0").contains("port outside 1..65535");
        assertThat(peers.unusable().get(1)).contains("0.0.0.0:6881").contains("not an address a peer can have");
    }

    @Test
    void nowhereToFindPeersNamesTheUnusableXpe() {
        MagnetLink link = MagnetInput.parse("magnet:?xt=urn:btih:" + HASH + "&x.pe=127.0.0.1:0");
        MagnetInput.Peers peers = MagnetInput.resolvePeers(link);
        assertThat(peers.usable()).isEmpty();
        String msg = MagnetInput.nowhere(peers.unusable());
        assertThat(msg).contains("x.pe= '127.0.0.1:0'").contains("port outside 1..65535")
                .contains("nowhere to find peers").doesNotContain("no peer (x.pe=)");
        assertThat(MagnetInput.nowhere(List.of())).isEqualTo(MagnetInput.NOWHERE);
    }

    @Test
    void nowhereToFindPeersNamesTheUnusableTrackersToo() {
        MagnetLink link = MagnetInput.parse("magnet:?xt=urn:btih:" + HASH + "&tr=ftp://x/a&tr=http://h:99999/a"
                + "&tr=udp://h/a");
        assertThat(link.trackers()).isEmpty();
        String msg = MagnetInput.nowhere(MagnetInput.resolvePeers(link).unusable());
        assertThat(msg).contains("tr= 'ftp://x/a' is not an http, https or udp URL")
                .contains("'http://h:99999/a' has a port outside 1..65535").contains("'udp://h/a' has no port")
                .contains("nowhere to find peers").doesNotContain("has no tracker (tr=)");
    }

    @Test
    void aRerunAddsTheMagnetsTrackersAndWebSeedsToTheStoredTorrent() throws Exception {
        Torrent stored = stored();
        String old = stored.trackerTiers().get(0).get(0);
        MagnetLink link = MagnetInput.parse("magnet:?xt=urn:btih:" + stored.infoHash().hex()
                + "&tr=http%3A%2F%2F127.0.0.1%3A7000%2Fannounce&tr=" + old + "&ws=http%3A%2F%2F127.0.0.1%3A7001%2Ff");
        Torrent merged = MagnetInput.withMagnetSources(stored, link);
        assertThat(merged.trackerTiers().get(0)).containsExactly("http://127.0.0.1:7000/announce");
        assertThat(merged.trackerTiers().get(1)).containsExactly(old);
        assertThat(merged.trackerTiers().stream().flatMap(List::stream).filter(old::equals)).hasSize(1);
        assertThat(merged.webSeeds()).endsWith("http://127.0.0.1:7001/f");
        assertThat(merged.infoBytes()).isEqualTo(stored.infoBytes());
        assertThat(merged.infoHash()).isEqualTo(stored.infoHash());
        // nothing new: the stored torrent as it is
        MagnetLink plain = MagnetInput.parse("magnet:?xt=urn:btih:" + stored.infoHash().hex());
        assertThat(MagnetInput.withMagnetSources(stored, plain)).isSameAs(stored);
    }

    @Test
    void saveTorrentIntoAFolderThatCannotBeWrittenIsRefusedUpFront() throws Exception {
        assertThatThrownBy(() -> MagnetInput.checkSaveTorrent(dir.resolve("missing").resolve("x.torrent")))
                .isInstanceOf(UserError.class).hasMessageContaining("--save-torrent")
                .hasMessageContaining("No such file or directory")
                .satisfies(e -> assertThat(((UserError) e).exitCode()).isEqualTo(ExitCode.DISK));
        Path file = Files.writeString(dir.resolve("plain"), "");
        assertThatThrownBy(() -> MagnetInput.checkSaveTorrent(file.resolve("x.torrent")))
                .isInstanceOf(UserError.class).hasMessageContaining("--save-torrent");
        assertThatThrownBy(() -> MagnetInput.checkSaveTorrent(dir))
                .isInstanceOf(UserError.class).hasMessageContaining("is a directory");
        MagnetInput.checkSaveTorrent(dir.resolve("ok.torrent"));
        try (var left = Files.list(dir)) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactly("plain");
        }
    }

    /** Review defect 10: NO_PEERS from the metadata stage means no peer could be reached; not "no tracker answered". */
    @Test
    void theMetadataFailureSaysWhetherNoPeerWasReachedOrNoneSentIt() {
        io.btget.session.Config config = new io.btget.session.Config(dir, java.net.InetAddress.getLoopbackAddress(), 0,
                10, 4, List.of(), List.of(), java.time.Duration.ofSeconds(3), 0, 0,
                io.btget.session.Config.SeedPolicy.NONE, 1, false);
        var noPeers = new io.btget.session.MetadataStage.Result(java.util.Optional.empty(),
                io.btget.session.Outcome.NO_PEERS, List.of(), java.util.Optional.empty());
        assertThat(MagnetInput.metadataNotFetched(noPeers, config))
                .isEqualTo("no peer could be reached to fetch the metadata");
        var trackerDown = new io.btget.session.MetadataStage.Result(java.util.Optional.empty(),
                io.btget.session.Outcome.NO_PEERS, List.of(), java.util.Optional.of("http://t/a: refused"));
        assertThat(MagnetInput.metadataNotFetched(trackerDown, config))
                .endsWith("(last tracker error: http://t/a: refused)");
        var stalled = new io.btget.session.MetadataStage.Result(java.util.Optional.empty(),
                io.btget.session.Outcome.STALLED, List.of(), java.util.Optional.empty());
        assertThat(MagnetInput.metadataNotFetched(stalled, config)).startsWith("no peer sent the metadata within");
    }
}
