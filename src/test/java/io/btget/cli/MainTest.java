package io.btget.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class MainTest {
    @TempDir
    Path dir;

    /** Runs Main.run with stderr captured (Main prints its own errors through picocli's err writer). */
    private static Result run(String... args) {
        PrintStream oldErr = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            int code = Main.run(args);
            return new Result(code, err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setErr(oldErr);
        }
    }

    record Result(int code, String err) {
    }

    @Test
    void aMisspelledCommandIsNamedNotTakenForAFile() {
        Result r = run("verfy");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("did you mean 'verify'?").doesNotContain("no such file");
        assertThat(run("downlaod", "x.torrent").err()).contains("did you mean 'download'?")
                .doesNotContain("Unmatched argument");
        assertThat(run("-v", "sed", "x.torrent").err()).contains("did you mean 'seed'?");
        assertThat(run("craete", "x").err()).contains("did you mean 'create'?");
    }

    @Test
    void aWordFarFromEveryCommandOrAnythingThatLooksLikeATorrentIsStillADownload() {
        assertThat(run("foo").err()).contains("no such file: foo").doesNotContain("did you mean");
        assertThat(run("verfy.torrent").err()).contains("no such file: verfy.torrent");
    }

    @Test
    void anExistingFileNamedLikeACommandTypoIsDownloaded() throws Exception {
        Path file = dir.resolve("verfy");
        Files.writeString(file, "not a torrent");
        Result r = run(file.toString());
        assertThat(r.err()).doesNotContain("did you mean");
        assertThat(r.code()).isEqualTo(3);
    }

    @Test
    void aMisspelledOptionGetsSuggestions() {
        Result r = run("download", "x.torrent", "--sed-time", "0");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--seed-time");
    }

    @Test
    void typoDistanceCountsASwapAsOneEdit() {
        assertThat(CommandSuggestions.distance("downlaod", "download")).isEqualTo(1);
        assertThat(CommandSuggestions.distance("verfy", "verify")).isEqualTo(1);
        assertThat(CommandSuggestions.misspelled("x", List.of("info", "seed"))).isEmpty();
        assertThat(CommandSuggestions.misspelled("inof", List.of("info", "seed"))).hasValue("info");
    }

    @Test
    void withJsonAFailureTheCommandDidNotReportItselfIsAnErrorEventOnStdout() throws Exception {
        java.nio.file.Path bad = java.nio.file.Files.writeString(dir.resolve("bad.torrent"), "garbage");
        for (String[] args : new String[][] {{"download", bad.toString(), "--json", "--no-dht", "-d", dir.toString()},
                {"verify", bad.toString(), "--json", "-d", dir.toString()}}) {
            PrintStream oldOut = System.out;
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            Result r;
            try {
                r = run(args);
            } finally {
                System.setOut(oldOut);
            }
            assertThat(r.code()).as(r.err()).isEqualTo(3);
            assertThat(r.err()).as("the line for people stays on stderr").contains("not a valid .torrent");
            String json = out.toString(StandardCharsets.UTF_8).strip();
            assertThat(json.lines()).as("one JSON line").hasSize(1);
            assertThat(json).startsWith("{\"event\":\"error\",\"message\":\"").contains("not a valid .torrent")
                    .endsWith(",\"exitCode\":3}");
        }
        PrintStream oldOut = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            assertThat(run("download", bad.toString(), "--no-dht", "-d", dir.toString()).code()).isEqualTo(3);
        } finally {
            System.setOut(oldOut);
        }
        assertThat(out.toString(StandardCharsets.UTF_8)).as("no JSON without --json").isEmpty();
    }

    @Test
    void aMagnetForATorrentAlreadyGivenIsRefusedAsADuplicateEvenWithNoSourceOfItsOwn() throws Exception {
        java.nio.file.Path data = java.nio.file.Files.write(dir.resolve("d.bin"), new byte[5000]);
        io.btget.metainfo.TorrentBuilder.Result built = new io.btget.metainfo.TorrentBuilder(data).build((d, t) -> { });
        java.nio.file.Path torrent = java.nio.file.Files.write(dir.resolve("d.torrent"), built.torrentFile());
        String magnet = "magnet:?xt=urn:btih:" + built.torrent().infoHash().hex().toUpperCase(java.util.Locale.ROOT);
        PrintStream oldOut = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            run("download", torrent.toString(), magnet, "--no-dht", "-p", "0", "--json", "-d",
                    dir.resolve("out").toString());
        } finally {
            System.setOut(oldOut);
        }
        String refused = out.toString(StandardCharsets.UTF_8).lines().filter(l -> l.contains("\"input\":\"magnet:"))
                .findFirst().orElseThrow(() -> new AssertionError("no error event for the magnet in " + out));
        assertThat(refused).contains("the same torrent").doesNotContain("nowhere");
    }
}
