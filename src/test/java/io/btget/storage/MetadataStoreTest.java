package io.btget.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.btget.metainfo.InfoHash;
import io.btget.metainfo.Torrent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetadataStoreTest {
    @TempDir
    Path base;

    private static Torrent magnetTorrent(String name) throws Exception {
        byte[] info = ("d6:lengthi100e4:name" + name.length() + ":" + name
                + "12:piece lengthi16384e6:pieces20:" + "x".repeat(20) + "e").getBytes(StandardCharsets.ISO_8859_1);
        InfoHash hash = new InfoHash(MessageDigest.getInstance("SHA-1").digest(info));
        return Torrent.fromInfoDictionary(info, hash, List.of(List.of("http://t/announce")), List.of());
    }

    @Test
    void aSavedTorrentLoadsBackWithItsInfoHashAndTrackers() throws Exception {
        MetadataStore store = new MetadataStore(base.resolve("metadata"));
        Torrent t = magnetTorrent("a.bin");
        Path saved = store.save(t);

        assertThat(saved).isEqualTo(base.resolve("metadata").resolve(t.infoHash().hex() + ".torrent"));
        Torrent back = store.load(t.infoHash()).orElseThrow();
        assertThat(back.infoHash()).isEqualTo(t.infoHash());
        assertThat(back.infoBytes()).isEqualTo(t.infoBytes());
        assertThat(back.trackerTiers()).containsExactly(List.of("http://t/announce"));
        try (Stream<Path> files = Files.list(base.resolve("metadata"))) {
            assertThat(files).as("no temporary file left").containsExactly(saved);
        }
    }

    @Test
    void nothingStoredIsEmpty() throws Exception {
        assertThat(new MetadataStore(base.resolve("none")).load(magnetTorrent("a").infoHash())).isEmpty();
    }

    @Test
    void aCorruptFileIsIgnoredAndDeleted() throws Exception {
        MetadataStore store = new MetadataStore(base);
        Torrent t = magnetTorrent("a.bin");
        Path path = store.save(t);
        Files.write(path, "d4:infoi1ee".getBytes(StandardCharsets.US_ASCII));
        assertThat(store.load(t.infoHash())).isEmpty();
        assertThat(path).doesNotExist();
    }

    @Test
    void aFileHoldingAnotherTorrentIsIgnoredAndDeleted() throws Exception {
        MetadataStore store = new MetadataStore(base);
        Torrent t = magnetTorrent("a.bin");
        Torrent other = magnetTorrent("b.bin");
        Files.copy(store.save(other), store.pathOf(t.infoHash()));
        assertThat(store.load(t.infoHash())).isEmpty();
        assertThat(store.pathOf(t.infoHash())).doesNotExist();
        assertThat(store.load(other.infoHash())).isPresent();
    }

    @Test
    void saveReplacesAnEarlierFile() throws Exception {
        MetadataStore store = new MetadataStore(base);
        Torrent t = magnetTorrent("a.bin");
        Files.writeString(store.pathOf(t.infoHash()), "junk");
        store.save(t);
        assertThat(store.load(t.infoHash())).isPresent();
    }

    @Test
    void theDirectoryFollowsBtgetStateDirThenXdgStateHomeThenHome() {
        assertThat(MetadataStore.defaultDirectory(Map.of("BTGET_STATE_DIR", "/s", "XDG_STATE_HOME", "/x"), "/h"))
                .isEqualTo(Path.of("/s/metadata"));
        assertThat(MetadataStore.defaultDirectory(Map.of("XDG_STATE_HOME", "/x"), "/h"))
                .isEqualTo(Path.of("/x/btget/metadata"));
        assertThat(MetadataStore.defaultDirectory(Map.of(), "/h"))
                .isEqualTo(Path.of("/h/.local/state/btget/metadata"));
        assertThat(MetadataStore.defaultDirectory(Map.of("XDG_STATE_HOME", "relative", "BTGET_STATE_DIR", ""), "/h"))
                .as("empty or relative values are ignored").isEqualTo(Path.of("/h/.local/state/btget/metadata"));
        assertThat(MetadataStore.defaultDirectory(Map.of("BTGET_STATE_DIR", "rel"), "/h"))
                .as("our own variable, relative: from the current directory")
                .isEqualTo(Path.of("rel").toAbsolutePath().resolve("metadata"));
    }
}
