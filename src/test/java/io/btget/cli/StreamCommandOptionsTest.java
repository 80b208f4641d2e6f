package io.btget.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.btget.mse.Encryption;
import io.btget.session.Config;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code btget stream} takes the session options a download has, mapped onto the same session settings. */
class StreamCommandOptionsTest {
    private static Config parse(String... args) {
        StreamCommand stream = new StreamCommand();
        new CommandLine(stream).parseArgs(args);
        return stream.sessionOptions().toConfig(Config.SeedPolicy.FOREVER);
    }

    @Test
    void encryptionPeersDhtAndRecheckReachTheSession() {
        Config c = parse("x.torrent", "--encryption", "require", "--max-peers", "7", "--recheck", "--dht-port", "7001",
                "--dht-bootstrap", "127.0.0.1:7002", "--peer-port", "7003");
        assertThat(c.encryption()).isEqualTo(Encryption.REQUIRE);
        assertThat(c.maxPeers()).isEqualTo(7);
        assertThat(c.resume().recheck()).isTrue();
        assertThat(c.dht().enabled()).isTrue();
        assertThat(c.dht().port()).isEqualTo(7001);
        assertThat(c.dht().bootstrap()).hasSize(1);
        assertThat(c.port()).isEqualTo(7003);
    }

    @Test
    void theDefaultsAreADownloadsDefaultsAndAStreamNeverStalls() {
        Config c = parse("x.torrent");
        Config download = new SessionOptions().toConfig(Config.SeedPolicy.FOREVER);
        assertThat(c.encryption()).isEqualTo(download.encryption()).isEqualTo(Encryption.PREFER);
        assertThat(c.maxPeers()).isEqualTo(download.maxPeers());
        assertThat(c.resume().recheck()).isFalse();
        assertThat(c.dht().enabled()).isTrue();
        assertThat(c.stallTimeout()).isNotEqualTo(download.stallTimeout());
        assertThat(parse("x.torrent", "--no-dht").dht().enabled()).isFalse();
    }

    @Test
    void aFileIndexPastTheEndNamesTheOptionTheUserGave(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path tree = java.nio.file.Files.createDirectories(dir.resolve("tree"));
        for (String n : new String[] {"a.bin", "b.bin", "c.bin"}) {
            java.nio.file.Files.write(tree.resolve(n), new byte[1000]);
        }
        java.nio.file.Path t = dir.resolve("t.torrent");
        java.nio.file.Files.write(t, new io.btget.metainfo.TorrentBuilder(tree).build((d, total) -> { }).torrentFile());
        StreamCommand stream = new StreamCommand();
        new CommandLine(stream).parseArgs(t.toString(), "--file", "4", "--no-dht", "-d", dir.resolve("out").toString());
        org.assertj.core.api.Assertions.assertThatThrownBy(stream::call).isInstanceOf(UserError.class)
                .hasMessageStartingWith("--file: index 4 is past the torrent's 3 files");
    }
}
