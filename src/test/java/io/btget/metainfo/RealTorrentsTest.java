package io.btget.metainfo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every torrent in testdata/torrents (made by mktorrent, transmission-create, libtorrent) against the facts recorded beside it. */
class RealTorrentsTest {
    private static final Path TESTDATA = Path.of(System.getProperty("btget.testdata", "testdata"));

    private static Properties facts() throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(TESTDATA.resolve("facts.properties"), StandardCharsets.UTF_8)) {
            p.load(r);
        }
        return p;
    }

    static Stream<String> torrents() throws IOException {
        try (Stream<Path> files = Files.list(TESTDATA.resolve("torrents"))) {
            return files.map(p -> p.getFileName().toString().replace(".torrent", "")).sorted().toList().stream();
        }
    }

    @Test
    void everyTorrentHasFacts() throws IOException {
        Properties facts = facts();
        assertThat(torrents()).hasSize(6).allSatisfy(k -> assertThat(facts).containsKey(k + ".infoHash"));
    }

    @ParameterizedTest
    @MethodSource("torrents")
    void yieldsTheRecordedFacts(String key) throws Exception {
        Properties facts = facts();
        Torrent t = Torrent.parse(Files.readAllBytes(TESTDATA.resolve("torrents/" + key + ".torrent")));

        assertThat(t.name()).isEqualTo(facts.getProperty(key + ".name"));
        assertThat(t.infoHash().hex()).isEqualTo(facts.getProperty(key + ".infoHash"));
        assertThat(t.infoHashV2().map(h -> HexFormat.of().formatHex(h)).orElse(""))
                .isEqualTo(facts.getProperty(key + ".infoHashV2"));
        assertThat(t.totalLength()).isEqualTo(Long.parseLong(facts.getProperty(key + ".totalSize")));
        assertThat(t.pieceLength()).isEqualTo(Integer.parseInt(facts.getProperty(key + ".pieceLength")));
        assertThat(t.pieceCount()).isEqualTo(Integer.parseInt(facts.getProperty(key + ".pieceCount")));
        assertThat(t.isPrivate()).isEqualTo(Boolean.parseBoolean(facts.getProperty(key + ".private")));
        assertThat(t.files().stream().filter(FileEntry::padding).count())
                .isEqualTo(Long.parseLong(facts.getProperty(key + ".paddingFiles")));
        assertThat(t.userFiles()).extracting(f -> f.displayPath() + ":" + f.length())
                .containsExactlyElementsOf(List.of(facts.getProperty(key + ".files").split(",")));
        assertThat(t.trackerTiers().stream().flatMap(List::stream).toList())
                .containsExactlyElementsOf(Arrays.asList(facts.getProperty(key + ".trackers").split(",")));
    }

    @ParameterizedTest
    @MethodSource("torrents")
    void piecesHashTheCommittedPayload(String key) throws Exception {
        Torrent t = Torrent.parse(Files.readAllBytes(TESTDATA.resolve("torrents/" + key + ".torrent")));
        Path base = t.multiFile() ? TESTDATA.resolve("payload").resolve(t.name()) : TESTDATA.resolve("payload");
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (FileEntry f : t.files()) {
            // BEP 47: padding files are zeros
            all.write(f.padding() ? new byte[(int) f.length()] : Files.readAllBytes(base.resolve(f.displayPath())));
        }
        byte[] data = all.toByteArray();
        for (int i = 0; i < t.pieceCount(); i++) {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            sha1.update(data, i * t.pieceLength(), t.pieceSize(i));
            assertThat(t.pieceHash(i)).as("%s piece %d", key, i).isEqualTo(sha1.digest());
        }
    }

    @Test
    void mktorrentMultiKeepsItsCommentWebSeedAndTiers() throws Exception {
        Torrent t = Torrent.parse(Files.readAllBytes(TESTDATA.resolve("torrents/mktorrent-multi.torrent")));
        assertThat(t.comment()).contains("made by mktorrent for btget tests");
        assertThat(t.createdBy()).contains("mktorrent 1.1");
        assertThat(t.webSeeds()).containsExactly("http://127.0.0.1:8080/files/");
        assertThat(t.trackerTiers()).hasSize(2);
    }
}
