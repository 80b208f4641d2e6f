package io.btget.metainfo;

import static io.btget.metainfo.TestTorrents.encode;
import static io.btget.metainfo.TestTorrents.map;
import static io.btget.metainfo.TestTorrents.multiInfo;
import static io.btget.metainfo.TestTorrents.singleInfo;
import static io.btget.metainfo.TestTorrents.torrent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TorrentParserTest {

    private static void rejects(byte[] torrent, String message) {
        assertThatThrownBy(() -> Torrent.parse(torrent))
                .isInstanceOf(InvalidTorrentException.class)
                .hasMessageContaining(message);
    }

    @Test
    void parsesSingleFileTorrentAndHashesTheRawInfoSpan() throws Exception {
        byte[] file = torrent(singleInfo("a.bin", 40000), "announce", "http://t/announce");
        Torrent t = Torrent.parse(file);

        assertThat(t.name()).isEqualTo("a.bin");
        assertThat(t.multiFile()).isFalse();
        assertThat(t.files()).containsExactly(new FileEntry(List.of("a.bin"), 40000, 0, false));
        assertThat(t.pieceLength()).isEqualTo(16384);
        assertThat(t.pieceCount()).isEqualTo(3);
        assertThat(t.pieceSize(2)).isEqualTo(40000 - 2 * 16384);
        assertThat(t.trackerTiers()).containsExactly(List.of("http://t/announce"));
        byte[] infoBytes = encode(singleInfo("a.bin", 40000));
        assertThat(t.infoBytes()).isEqualTo(infoBytes);
        assertThat(t.infoHash().bytes()).isEqualTo(MessageDigest.getInstance("SHA-1").digest(infoBytes));
        assertThat(t.infoHashV2()).isEmpty();
    }

    @Test
    void hashesInfoBytesAsWrittenEvenWhenKeysAreOutOfOrder() throws Exception {
        // keys out of canonical order: a re-encoding would differ, the raw span must be hashed
        String info = "d4:name1:a12:piece lengthi16384e6:lengthi1e6:pieces20:" + "x".repeat(20) + "e";
        byte[] file = ("d4:info" + info + "e").getBytes(StandardCharsets.ISO_8859_1);
        Torrent t = Torrent.parse(file);
        assertThat(t.infoHash().bytes()).isEqualTo(
                MessageDigest.getInstance("SHA-1").digest(info.getBytes(StandardCharsets.ISO_8859_1)));
    }

    @Test
    void parsesMultiFileTorrentWithOffsetsInPieceSpace() {
        Torrent t = Torrent.parse(torrent(multiInfo("dir", List.of("a.txt"), 10, List.of("sub", "b"), 20000,
                List.of("empty"), 0)));
        assertThat(t.multiFile()).isTrue();
        assertThat(t.name()).isEqualTo("dir");
        assertThat(t.files()).containsExactly(
                new FileEntry(List.of("a.txt"), 10, 0, false),
                new FileEntry(List.of("sub", "b"), 20000, 10, false),
                new FileEntry(List.of("empty"), 0, 20010, false));
        assertThat(t.totalLength()).isEqualTo(20010);
        assertThat(t.pieceCount()).isEqualTo(2);
    }

    @Test
    void prefersUtf8NameAndPathWhenPresent() {
        Map<String, Object> info = multiInfo("raw", List.of("raw-file"), 5);
        info.put("name.utf-8", "Grüße");
        @SuppressWarnings("unchecked")
        Map<String, Object> file = (Map<String, Object>) ((List<Object>) info.get("files")).get(0);
        file.put("path.utf-8", List.of("fichier-é"));
        Torrent t = Torrent.parse(torrent(info));
        assertThat(t.name()).isEqualTo("Grüße");
        assertThat(t.files().get(0).path()).containsExactly("fichier-é");
    }

    @Test
    void readsAnnounceListTiersAndIgnoresAnnounceThen() {
        Torrent t = Torrent.parse(torrent(singleInfo("a", 1), "announce", "http://ignored/",
                "announce-list", List.of(List.of("http://a/1", "http://a/2"), List.of(), List.of("udp://b:80/1", "http://a/1"))));
        assertThat(t.trackerTiers()).containsExactly(List.of("http://a/1", "http://a/2"), List.of("udp://b:80/1"));
    }

    @Test
    void dropsTrackersNoAnnounceCanReachWithAWarning() {
        Torrent t = Torrent.parse(torrent(singleInfo("a", 1), "announce-list", List.of(
                List.of("udp://b/1", "http://a:99999/x", "http://a:0/x", "http://[::1]:70000/x", "http://[::1]:8080/x"))));
        assertThat(t.trackerTiers()).containsExactly(List.of("http://[::1]:8080/x"));
        assertThat(String.join("\n", t.warnings())).contains("'udp://b/1' has no port")
                .contains("'http://a:99999/x' has a port outside 1..65535").contains("'http://a:0/x'")
                .contains("'http://[::1]:70000/x'");
    }

    @Test
    void fallsBackToAnnounceWhenAnnounceListIsEmpty() {
        Torrent t = Torrent.parse(torrent(singleInfo("a", 1), "announce", "http://t/", "announce-list", List.of()));
        assertThat(t.trackerTiers()).containsExactly(List.of("http://t/"));
    }

    @Test
    void readsWebSeedsAsStringOrList() {
        assertThat(Torrent.parse(torrent(singleInfo("a", 1), "url-list", "http://w/")).webSeeds())
                .containsExactly("http://w/");
        assertThat(Torrent.parse(torrent(singleInfo("a", 1), "url-list", List.of("http://w/1", "http://w/2")))
                .webSeeds()).containsExactly("http://w/1", "http://w/2");
    }

    @Test
    void readsPrivateFlagCommentCreatorAndDate() {
        Map<String, Object> info = singleInfo("a", 1);
        info.put("private", 1);
        Torrent t = Torrent.parse(torrent(info, "comment", "hi", "created by", "tool 1", "creation date", 1700000000));
        assertThat(t.isPrivate()).isTrue();
        assertThat(t.comment()).contains("hi");
        assertThat(t.createdBy()).contains("tool 1");
        assertThat(t.creationDate()).contains(1700000000L);
    }

    @Test
    void treatsPrivateValuesOtherThanOneAsPublic() {
        Map<String, Object> info = singleInfo("a", 1);
        info.put("private", 0);
        assertThat(Torrent.parse(torrent(info)).isPrivate()).isFalse();
    }

    @Test
    void rejectsInputThatIsNotBencode() {
        rejects("not bencode".getBytes(StandardCharsets.US_ASCII), "not a valid .torrent");
    }

    @Test
    void rejectsTopLevelThatIsNotADictionary() {
        rejects(encode(List.of(1)), "top level is a list");
    }

    @Test
    void rejectsMissingInfo() {
        rejects(encode(map("announce", "x")), "info is missing");
    }

    @Test
    void rejectsMissingPieceLength() {
        Map<String, Object> info = singleInfo("a", 1);
        info.remove("piece length");
        rejects(torrent(info), "info.piece length is missing");
    }

    @Test
    void rejectsWrongTypedName() {
        Map<String, Object> info = singleInfo("a", 1);
        info.put("name", 5);
        rejects(torrent(info), "info.name is an integer, not a string");
    }

    @Test
    void rejectsZeroOrNegativePieceLength() {
        Map<String, Object> info = singleInfo("a", 1);
        info.put("piece length", 0);
        rejects(torrent(info), "info.piece length is 0, must be positive");
        info.put("piece length", -16384);
        rejects(torrent(info), "must be positive");
    }

    @Test
    void rejectsPieceLengthAbove128MiB() {
        Map<String, Object> info = singleInfo("a", 1);
        info.put("piece length", (128L << 20) + 1);
        rejects(torrent(info), "more than the supported");
    }

    @Test
    void rejectsPiecesNotAMultipleOf20() {
        Map<String, Object> info = singleInfo("a", 1);
        info.put("pieces", new byte[21]);
        rejects(torrent(info), "info.pieces has 21 bytes, not a multiple of 20");
    }

    @Test
    void rejectsPieceCountThatDoesNotMatchTheTotalLength() {
        Map<String, Object> info = singleInfo("a", 40000);
        info.put("pieces", new byte[40]);
        rejects(torrent(info), "info.pieces holds 2 hashes but 40000 bytes in pieces of 16384 need 3");
    }

    @Test
    void rejectsNegativeLengths() {
        rejects(torrent(singleInfo("a", -1)), "info.length is negative");
        rejects(torrent(multiInfo("d", List.of("a"), 1, List.of("b"), -1)), "info.files[1].length is negative");
    }

    @Test
    void rejectsTotalLengthOverflow() {
        rejects(torrent(multiInfo("d", List.of("a"), Long.MAX_VALUE, List.of("b"), Long.MAX_VALUE)), "overflows");
    }

    @Test
    void rejectsTorrentWithoutData() {
        rejects(torrent(multiInfo("d", List.of("a"), 0)), "total length 0");
    }

    @Test
    void rejectsBothFilesAndLength() {
        Map<String, Object> info = multiInfo("d", List.of("a"), 1);
        info.put("length", 1);
        rejects(torrent(info), "both 'files' and 'length'");
    }

    @Test
    void rejectsEmptyFileList() {
        Map<String, Object> info = multiInfo("d", List.of("a"), 1);
        info.put("files", List.of());
        rejects(torrent(info), "info.files is empty");
    }

    @Test
    void rejectsFileEntryWithoutPathOrWithWrongTypes() {
        Map<String, Object> info = multiInfo("d", List.of("a"), 1);
        info.put("files", List.of(map("length", 1)));
        rejects(torrent(info), "info.files[0].path is missing");
        info.put("files", List.of(map("length", 1, "path", List.of(7))));
        rejects(torrent(info), "info.files[0].path[0] is not a string");
        info.put("files", List.of(map("length", "1", "path", List.of("a"))));
        rejects(torrent(info), "info.files[0].length is a string, not an integer");
        info.put("files", List.of(map("length", 1, "path", List.of())));
        rejects(torrent(info), "info.files[0].path is empty");
    }

    @Test
    void rejectsPathThatEscapesTheOutputDirectory() {
        rejects(torrent(multiInfo("d", List.of("..", "etc", "passwd"), 1)), "info.files[0].path[0] is '..'");
        rejects(torrent(singleInfo("..", 1)), "info.name is '..'");
    }

    @Test
    void rejectsNulInsideAPathComponent() {
        rejects(torrent(multiInfo("d", List.of("a\0b"), 1)), "NUL");
    }

    @Test
    void dropsEmptyAndDotComponentsAndSanitisesSeparators() {
        byte[] bytes = torrent(multiInfo("d", List.of("", ".", "x/y", "a\\b", "c"), 1));
        // '\\' is a plain character on POSIX, a separator on Windows
        assertThat(Torrent.parse(bytes, PathRules.Platform.POSIX).files().get(0).path())
                .containsExactly("x_y", "a\\b", "c");
        assertThat(Torrent.parse(bytes, PathRules.Platform.WINDOWS).files().get(0).path())
                .containsExactly("x_y", "a_b", "c");
    }

    @Test
    void rejectsPathWithNoUsableComponent() {
        rejects(torrent(multiInfo("d", List.of(".", ""), 1)), "info.files[0].path has no usable component");
    }

    @Test
    void rejectsDuplicatePaths() {
        rejects(torrent(multiInfo("d", List.of("a"), 1, List.of("a"), 2)), "duplicate file path: a");
        // equal after sanitising: both become "x_y"
        rejects(torrent(multiInfo("d", List.of("x/y"), 1, List.of("x_y"), 2)), "duplicate file path: x_y");
        byte[] separators = torrent(multiInfo("d", List.of("x/y"), 1, List.of("x\\y"), 2));
        assertThatThrownBy(() -> Torrent.parse(separators, PathRules.Platform.WINDOWS))
                .hasMessageContaining("duplicate file path: x_y");
        assertThat(Torrent.parse(separators, PathRules.Platform.POSIX).userFiles()).hasSize(2);
    }

    @Test
    void acceptsPathsThatDifferOnlyInCase() {
        Torrent t = Torrent.parse(torrent(multiInfo("d", List.of("README"), 1, List.of("readme"), 2)));
        assertThat(t.userFiles()).hasSize(2);
    }

    @Test
    void rejectsAFileThatIsAlsoADirectory() {
        rejects(torrent(multiInfo("d", List.of("a"), 1, List.of("a", "b"), 2)), "both a file and a directory: a");
    }

    @Test
    void keepsPaddingFilesInPieceSpaceButNotAmongUserFiles() {
        Map<String, Object> info = multiInfo("d", List.of("a"), 10, List.of(".pad", "16374"), 16374,
                List.of("b"), 10, List.of(".pad", "16374"), 16374);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> files = (List<Map<String, Object>>) info.get("files");
        files.get(1).put("attr", "p");
        files.get(3).put("attr", "p");
        Torrent t = Torrent.parse(torrent(info));
        assertThat(t.files()).hasSize(4);
        assertThat(t.files().get(1).padding()).isTrue();
        assertThat(t.files().get(2).offset()).isEqualTo(16384);
        assertThat(t.userFiles()).extracting(FileEntry::displayPath).containsExactly("a", "b");
        assertThat(t.pieceCount()).isEqualTo(2);
    }

    @Test
    void rejectsV2OnlyTorrent() {
        Map<String, Object> info = map("file tree", map("a", map("", map("length", 1))), "meta version", 2,
                "name", "a", "piece length", 16384);
        rejects(torrent(info), "v2-only torrents are not supported");
    }

    @Test
    void computesV2InfoHashForHybridTorrents() throws Exception {
        Map<String, Object> info = singleInfo("a", 100);
        info.put("meta version", 2);
        info.put("file tree", map("a", map("", map("length", 100, "pieces root", new byte[32]))));
        Torrent t = Torrent.parse(torrent(info));
        byte[] expected = sha256(encode(info));
        assertThat(t.infoHashV2()).hasValueSatisfying(h -> assertThat(h).isEqualTo(expected));
    }

    @Test
    void rejectsHybridWhoseFileTreeDisagreesWithTheFileList() {
        Map<String, Object> info = multiInfo("d", List.of("a"), 10, List.of("b"), 20);
        info.put("meta version", 2);
        info.put("file tree", map("a", map("", map("length", 10)), "b", map("", map("length", 21))));
        rejects(torrent(info), "v1 file list and the v2 file tree disagree");
        info.put("file tree", map("a", map("", map("length", 10)), "c", map("", map("length", 20))));
        rejects(torrent(info), "disagree");
    }

    private static byte[] sha256(byte[] data) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(data);
    }
}
