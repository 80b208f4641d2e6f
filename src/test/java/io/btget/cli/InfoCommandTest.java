package io.btget.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

@Timeout(30)
class InfoCommandTest {
    private static final Path TESTDATA = Path.of(System.getProperty("btget.testdata", "testdata"));

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cmd = Main.commandLine();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        return cmd.execute(args);
    }

    @Test
    void printsNameHashSizePiecesFilesTrackersAndMagnet() {
        int code = run("info", TESTDATA.resolve("torrents/mktorrent-multi.torrent").toString());
        assertThat(code).isZero();
        assertThat(out.toString())
                .contains("Name:         multi")
                .contains("Info hash:    1feeadee9b19cdc34106883b6a37c53728208b9e")
                .contains("68.4 KiB (70037 bytes)")
                .contains("3 x 32.0 KiB (32768 bytes)")
                .contains("Private:      yes")
                .contains("tier 0: http://127.0.0.1:6969/announce")
                .contains("tier 1: http://127.0.0.1:6970/announce")
                .contains("http://127.0.0.1:8080/files/")
                .contains("sub/deeper/c.bin")
                .contains("Magnet:       magnet:?xt=urn:btih:1feeadee9b19cdc34106883b6a37c53728208b9e&dn=multi");
    }

    @Test
    void printsV2HashAndLeavesPaddingOutForHybridTorrents() {
        assertThat(run("info", TESTDATA.resolve("torrents/libtorrent-hybrid-multi.torrent").toString())).isZero();
        assertThat(out.toString())
                .contains("Info hash v2: 4df22331ee864559b59828d3e3bfd758c7475f23a048b1d60fd88cf8451bb007")
                .contains("Files (4):")
                .contains("     1  a.txt", "     4  sub/deeper/c.bin") // numbered from 1, as --select-file counts
                .doesNotContain(".pad");
    }

    @Test
    void printsBep17HttpSeedsApartFromWebSeeds(@TempDir Path dir) throws Exception {
        byte[] file = Files.readAllBytes(TESTDATA.resolve("torrents/mktorrent-multi.torrent"));
        var top = new java.util.TreeMap<>(((io.btget.bencode.BDict) io.btget.bencode.Bencode.decode(file)).entries());
        top.put("httpseeds", new io.btget.bencode.BList(java.util.List.of(
                io.btget.bencode.BString.of("http://127.0.0.1:8081/seed.php"))));
        Path t = dir.resolve("h.torrent");
        Files.write(t, io.btget.bencode.Bencode.encode(new io.btget.bencode.BDict(top)));
        assertThat(run("info", t.toString())).isZero();
        assertThat(out.toString()).contains("HTTP seeds (BEP 17):\n  http://127.0.0.1:8081/seed.php\n");
        assertThat(run("info", "--json", t.toString())).isZero();
        assertThat(out.toString()).contains("\"httpSeeds\":[\"http://127.0.0.1:8081/seed.php\"]");
    }

    @Test
    void printsOneJsonObjectWithTheDocumentedFields() {
        assertThat(run("info", "--json", TESTDATA.resolve("torrents/libtorrent-hybrid-multi.torrent").toString()))
                .isZero();
        String json = out.toString().trim();
        assertThat(json).startsWith("{\"name\":\"multi\",\"infoHash\":\"58c1226bf9cb5ae70f3fc294256f1a7efbd3d0d3\","
                + "\"infoHashV2\":\"4df22331ee864559b59828d3e3bfd758c7475f23a048b1d60fd88cf8451bb007\","
                + "\"totalSize\":114688,\"pieceLength\":16384,\"pieceCount\":7,\"private\":false")
                .contains("\"files\":[{\"index\":1,\"path\":\"a.txt\",\"length\":37},"
                        + "{\"index\":2,\"path\":\"empty.txt\",\"length\":0},"
                        + "{\"index\":3,\"path\":\"sub/b.bin\",\"length\":50000},"
                        + "{\"index\":4,\"path\":\"sub/deeper/c.bin\",\"length\":20000}]")
                .contains("\"trackers\":[[\"http://127.0.0.1:6969/announce\"]]")
                .contains("\"webSeeds\":[]")
                .contains("\"magnet\":\"magnet:?xt=urn:btih:58c1226bf9cb5ae70f3fc294256f1a7efbd3d0d3")
                .contains("\"comment\":null", "\"createdBy\":\"libtorrent (btget testdata)\"", "\"creationDate\":")
                .endsWith("}")
                .doesNotContain("\n");
    }

    @Test
    void exitsWithUsageErrorWhenTheFileDoesNotExist(@TempDir Path dir) {
        assertThat(run("info", dir.resolve("missing.torrent").toString())).isEqualTo(ExitCode.USAGE.code);
        assertThat(err.toString()).startsWith("btget: no such file: ").hasLineCount(1);
    }

    @Test
    void exitsWithBadTorrentAndOneLineForAnInvalidFile(@TempDir Path dir) throws Exception {
        Path bad = dir.resolve("bad.torrent");
        Files.writeString(bad, "d4:infod4:name1:a12:piece lengthi0eee");
        assertThat(run("info", bad.toString())).isEqualTo(ExitCode.BAD_TORRENT.code);
        assertThat(err.toString()).isEqualTo("btget: " + bad + ": info.piece length is 0, must be positive"
                + System.lineSeparator());
        Files.writeString(bad, "garbage");
        assertThat(run("info", bad.toString())).isEqualTo(ExitCode.BAD_TORRENT.code);
    }

    /** Issue 8 item 2: a flat announce-list with a junk entry and a file: web seed (bencoded by hand). */
    private static final String FLAT_ANNOUNCE_LIST = "d8:announce17:http://t/announce13:announce-list"
            + "l17:http://t/announce17:http://u/announcei7ee"
            + "4:infod6:lengthi1e4:name1:a12:piece lengthi16384e6:pieces20:aaaaaaaaaaaaaaaaaaaae"
            + "8:url-list15:file:///etc/pwde";

    @Test
    void showsWhatWasRepairedInTextAndJson(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("flat.torrent");
        Files.writeString(file, FLAT_ANNOUNCE_LIST);
        assertThat(run("info", file.toString())).isZero();
        assertThat(out.toString())
                .contains("tier 0: http://t/announce", "tier 0: http://u/announce")
                .doesNotContain("Web seeds:")
                .contains("Warnings (optional fields repaired or ignored):")
                .contains("  announce-list holds URLs where tiers (lists) belong")
                .contains("  announce-list[2] is an integer, not a list: ignored")
                .contains("  url-list 'file:///etc/pwd' is not an http or https URL: ignored");

        out.getBuffer().setLength(0);
        assertThat(run("info", "--json", file.toString())).isZero();
        assertThat(out.toString().trim())
                .contains("\"trackers\":[[\"http://t/announce\",\"http://u/announce\"]]")
                .contains("\"webSeeds\":[]")
                .contains("\"warnings\":[\"announce-list holds URLs where tiers (lists) belong");
    }

    @Test
    void printsAnEmptyWarningsArrayForACleanTorrent() {
        assertThat(run("info", "--json", TESTDATA.resolve("torrents/mktorrent-multi.torrent").toString())).isZero();
        assertThat(out.toString()).contains("\"warnings\":[]");
    }
}
