package io.btget.metainfo;

import static io.btget.metainfo.TestTorrents.map;
import static io.btget.metainfo.TestTorrents.multiInfo;
import static io.btget.metainfo.TestTorrents.singleInfo;
import static io.btget.metainfo.TestTorrents.torrent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 8 item 2: an optional field of an unexpected shape, or holding junk, is repaired or ignored with a warning
 * (README "Optional fields"); it never refuses an otherwise valid torrent and is never used unsafely.
 */
class TorrentParserOptionalFieldsTest {

    private static Torrent parse(Object... topLevel) {
        return Torrent.parse(torrent(singleInfo("a", 1), topLevel));
    }

    private static Torrent parseInfo(Map<String, Object> info, Object... topLevel) {
        return Torrent.parse(torrent(info, topLevel));
    }

    @Test
    void aCleanTorrentHasNoWarnings() {
        Torrent t = parse("announce", "http://t/a", "announce-list", List.of(List.of("http://t/a"), List.of("udp://u:1")),
                "url-list", "http://w/", "comment", "c", "created by", "x", "creation date", 1);
        assertThat(t.warnings()).isEmpty();
    }

    @Test
    void readsAFlatAnnounceListAsOneTier() {
        Torrent t = parse("announce", "http://a/announce",
                "announce-list", List.of("http://a/announce", "http://b/announce", "udp://c:6969/announce"));
        assertThat(t.trackerTiers())
                .containsExactly(List.of("http://a/announce", "http://b/announce", "udp://c:6969/announce"));
        assertThat(t.warnings()).singleElement().asString().contains("announce-list holds URLs where tiers");
    }

    @Test
    void readsAFlatAnnounceListWithoutAnnounceAndKeepsAnAnnounceItDoesNotName() {
        assertThat(parse("announce-list", List.of("http://b/", "http://c/")).trackerTiers())
                .containsExactly(List.of("http://b/", "http://c/"));
        assertThat(parse("announce", "http://a/", "announce-list", List.of("http://b/")).trackerTiers())
                .containsExactly(List.of("http://a/"), List.of("http://b/"));
    }

    @Test
    void readsLooseUrlsBetweenTiersAsTiersOfTheirOwn() {
        Torrent t = parse("announce-list", List.of("http://a/", List.of("http://b/"), "http://c/", "http://d/"));
        assertThat(t.trackerTiers()).containsExactly(List.of("http://a/"), List.of("http://b/"),
                List.of("http://c/", "http://d/"));
    }

    @Test
    void ignoresAnAnnounceListThatIsNotAListAndUsesAnnounce() {
        for (Object junk : List.of("http://x/", 7, map("a", 1))) {
            Torrent t = parse("announce", "http://t/", "announce-list", junk);
            assertThat(t.trackerTiers()).containsExactly(List.of("http://t/"));
            assertThat(t.warnings()).singleElement().asString().startsWith("announce-list is a");
        }
        assertThat(parse("announce-list", "http://x/").trackerTiers()).isEmpty();
    }

    @Test
    void skipsTierEntriesAndTiersOfTheWrongType() {
        Torrent t = parse("announce-list", List.of(List.of(1, "http://a/", map("x", 1)), 5, List.of(List.of("http://n/")),
                List.of("http://b/")));
        assertThat(t.trackerTiers()).containsExactly(List.of("http://a/"), List.of("http://b/"));
        assertThat(t.warnings()).hasSize(4).anySatisfy(w -> assertThat(w).startsWith("announce-list[0][0] is an integer"))
                .anySatisfy(w -> assertThat(w).startsWith("announce-list[1] is an integer"))
                .anySatisfy(w -> assertThat(w).startsWith("announce-list[2][0] is a list"));
    }

    @Test
    void dropsTrackerUrlsBtgetCannotAnnounceTo() {
        Torrent t = parse("announce-list", List.of(List.of("wss://x/", "file:///etc/passwd", "http://ok/announce",
                "dht://abc", "http://has space/", "http://", "udp://:80/", "http://a/\r\nX: y", "not a url",
                " HTTPS://Upper.example/a ", "http://c1/\u009b2J")));
        assertThat(t.trackerTiers()).containsExactly(List.of("http://ok/announce", "HTTPS://Upper.example/a"));
        assertThat(t.warnings()).hasSize(9).allSatisfy(w -> assertThat(w).endsWith(": ignored")
                .doesNotContain("\n", "\r", "\u009b"));
    }

    @Test
    void removesDuplicateTrackersAcrossTiersAndInAFlatList() {
        Torrent t = parse("announce-list", List.of("http://a/", "http://a/", List.of("http://a/", "http://b/")));
        assertThat(t.trackerTiers()).containsExactly(List.of("http://a/"), List.of("http://b/"));
    }

    @Test
    void ignoresAnAnnounceThatIsNotAUsableString() {
        Torrent number = parse("announce", 42);
        assertThat(number.trackerTiers()).isEmpty();
        assertThat(number.warnings()).containsExactly("announce is an integer, not a string: ignored");
        assertThat(parse("announce", "ftp://t/").trackerTiers()).isEmpty();
    }

    @Test
    void keepsOnlyHttpWebSeedsAndSkipsJunkEntries() {
        Torrent t = parse("url-list", List.of(1, "file:///etc/passwd", "ftp://x/", "http://w/", "HTTPS://w2/",
                "http://w/", "data:text/plain,hi", List.of("http://n/"), "/relative/path"));
        assertThat(t.webSeeds()).containsExactly("http://w/", "HTTPS://w2/");
        assertThat(t.warnings()).hasSize(6);
        assertThat(parse("url-list", "file:///home/user/.ssh/id_rsa").webSeeds()).isEmpty();
    }

    @Test
    void ignoresAUrlListOfTheWrongType() {
        for (Object junk : List.of(3, map("http://w/", 1))) {
            Torrent t = parse("url-list", junk, "announce", "http://t/");
            assertThat(t.webSeeds()).isEmpty();
            assertThat(t.trackerTiers()).containsExactly(List.of("http://t/"));
            assertThat(t.warnings()).singleElement().asString().startsWith("url-list is a");
        }
    }

    @Test
    void ignoresCommentAndCreatorThatAreNotStrings() {
        Torrent t = parse("comment", 5, "created by", map("a", 1));
        assertThat(t.comment()).isEmpty();
        assertThat(t.createdBy()).isEmpty();
        assertThat(t.warnings()).containsExactly("comment is an integer, not a string: ignored",
                "created by is a dictionary, not a string: ignored");
        Torrent alternates = parse("comment", "plain", "comment.utf-8", List.of("x"));
        assertThat(alternates.comment()).contains("plain");
        assertThat(parse("comment", 1, "comment.utf-8", "ünï").comment()).contains("ünï");
    }

    @Test
    void ignoresACreationDateThatIsNotATime() {
        assertThat(parse("creation date", "2024-01-01").creationDate()).isEmpty();
        Torrent negative = parse("creation date", -5);
        assertThat(negative.creationDate()).isEmpty();
        assertThat(negative.warnings()).containsExactly("creation date is -5, not a time: ignored");
        assertThat(parse("creation date", 0).creationDate()).contains(0L);
    }

    @Test
    void readsAnyNonZeroIntegerPrivateAsPrivateAndIgnoresOtherTypes() {
        Map<String, Object> two = singleInfo("a", 1);
        two.put("private", 2);
        Torrent t = parseInfo(two);
        assertThat(t.isPrivate()).isTrue();
        assertThat(t.warnings()).containsExactly("info.private is 2, not 0 or 1: read as private");

        Map<String, Object> text = singleInfo("a", 1);
        text.put("private", "1");
        Torrent s = parseInfo(text);
        assertThat(s.isPrivate()).isFalse();
        assertThat(s.warnings()).containsExactly("info.private is a string, not an integer: ignored (public)");
    }

    @Test
    void usesNameWhenNameUtf8IsNotAString() {
        Map<String, Object> info = singleInfo("plain", 1);
        info.put("name.utf-8", List.of("x"));
        Torrent t = parseInfo(info);
        assertThat(t.name()).isEqualTo("plain");
        assertThat(t.warnings()).containsExactly("info.name.utf-8 is a list, not a string: ignored, name used");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> firstFile(Map<String, Object> info) {
        return (Map<String, Object>) ((List<Object>) info.get("files")).get(0);
    }

    @Test
    void usesPathWhenPathUtf8IsMalformed() {
        for (Object junk : List.of("a/b", List.of("ok", 5), List.of(), 9)) {
            Map<String, Object> info = multiInfo("d", List.of("real"), 1);
            firstFile(info).put("path.utf-8", junk);
            Torrent t = parseInfo(info);
            assertThat(t.files().get(0).path()).containsExactly("real");
            assertThat(t.warnings()).singleElement().asString()
                    .isEqualTo("info.files[0].path.utf-8 is not a non-empty list of strings: ignored, path used");
        }
    }

    @Test
    void usesPathUtf8WhenPathIsMissingOrMalformed() {
        Map<String, Object> info = multiInfo("d", List.of("real"), 1);
        firstFile(info).remove("path");
        firstFile(info).put("path.utf-8", List.of("ütf"));
        assertThat(parseInfo(info).files().get(0).path()).containsExactly("ütf");
        firstFile(info).put("path", 5);
        assertThat(parseInfo(info).files().get(0).path()).containsExactly("ütf");
    }

    @Test
    void keepsTheTraversalDefenceInPathUtf8() {
        Map<String, Object> info = multiInfo("d", List.of("real"), 1);
        firstFile(info).put("path.utf-8", List.of("..", "etc"));
        assertThatThrownBy(() -> parseInfo(info)).isInstanceOf(InvalidTorrentException.class)
                .hasMessageContaining("path.utf-8[0] is '..'");
    }

    @Test
    void ignoresAnAttrThatIsNotAStringAndNeverMakesALink() {
        Map<String, Object> info = multiInfo("d", List.of("a"), 1, List.of("b"), 0, List.of("c"), 1);
        firstFile(info).put("attr", 112); // the integer 'p': not a padding file
        @SuppressWarnings("unchecked")
        Map<String, Object> link = (Map<String, Object>) ((List<Object>) info.get("files")).get(1);
        link.put("attr", "l");
        link.put("symlink path", List.of("..", "..", "etc", "passwd"));
        @SuppressWarnings("unchecked")
        Map<String, Object> exec = (Map<String, Object>) ((List<Object>) info.get("files")).get(2);
        exec.put("attr", "xh");
        Torrent t = parseInfo(info);
        assertThat(t.userFiles()).extracting(FileEntry::displayPath).containsExactly("a", "b", "c");
        assertThat(t.warnings()).containsExactly("info.files[0].attr is an integer, not a string: ignored",
                "info.files[1] is a symbolic link (attr l): written as an ordinary file, never as a link");
    }

    @Test
    void neverReadsFieldsBtgetHasNoUseFor() {
        Map<String, Object> info = multiInfo("d", List.of("a"), 1);
        info.put("source", List.of(1));
        info.put("md5sum", 5);
        info.put("piece layers", "junk");
        firstFile(info).put("sha1", 7);
        firstFile(info).put("md5sum", List.of());
        firstFile(info).put("mtime", "yesterday");
        Torrent t = parseInfo(info, "announce", "http://t/", "nodes", "junk", "encoding", List.of(1),
                "publisher", 3, "publisher-url", map(), "zzz junk", map("x", List.of()));
        assertThat(t.trackerTiers()).containsExactly(List.of("http://t/"));
        assertThat(t.warnings()).isEmpty();
    }

    @Test
    void httpSeedsOfTheWrongTypeAreIgnoredWithAWarning() {
        Torrent t = parseInfo(multiInfo("d", List.of("a"), 1), "announce", "http://t/", "httpseeds", 5);
        assertThat(t.httpSeeds()).isEmpty();
        assertThat(t.warnings()).containsExactly("httpseeds is an integer, not a string or list: ignored");
        t = parseInfo(multiInfo("d", List.of("a"), 1), "announce", "http://t/", "httpseeds",
                List.of("http://s/seed.php", "http://s/seed.php", 7));
        assertThat(t.httpSeeds()).containsExactly("http://s/seed.php");
        assertThat(t.warnings()).containsExactly("httpseeds[2] is an integer, not a string: ignored");
    }

    @Test
    void readsAHybridWithAMalformedV2PartAsV1() {
        for (Object tree : List.of(7, map("a", "x"), map("a", map("", map("length", "100"))), map())) {
            Map<String, Object> info = singleInfo("a", 100);
            info.put("meta version", 2);
            info.put("file tree", tree);
            Torrent t = parseInfo(info);
            assertThat(t.infoHashV2()).isEmpty();
            assertThat(t.pieceCount()).isEqualTo(1);
        }
        Map<String, Object> noTree = singleInfo("a", 100);
        noTree.put("meta version", 2);
        Torrent t = parseInfo(noTree);
        assertThat(t.infoHashV2()).isEmpty();
        assertThat(t.warnings()).singleElement().asString().startsWith("meta version 2 but the v2 part is unusable");
    }

    @Test
    void boundsTheWarningsOfATorrentFullOfJunk() {
        List<Object> junk = new ArrayList<>(Collections.nCopies(10_000, 1));
        junk.add(List.of("http://ok/"));
        Torrent t = parse("announce-list", junk);
        assertThat(t.trackerTiers()).containsExactly(List.of("http://ok/"));
        assertThat(t.warnings()).hasSizeLessThanOrEqualTo(51);
    }
}
