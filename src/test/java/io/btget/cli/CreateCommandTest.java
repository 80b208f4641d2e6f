package io.btget.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.btget.metainfo.Torrent;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

@Timeout(60)
class CreateCommandTest {
    private static final Path TESTDATA = Path.of(System.getProperty("btget.testdata", "testdata"));

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cmd = Main.commandLine();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        return cmd.execute(args);
    }

    @Test
    void reproducesTheMktorrentInfoHashOfTheCommittedTestdata() throws Exception {
        Path output = dir.resolve("multi.torrent");
        int code = run("create", TESTDATA.resolve("payload/multi").toString(), "-t", "http://127.0.0.1:6969/announce",
                "-t", "http://127.0.0.1:6970/announce", "-w", "http://127.0.0.1:8080/files/", "--private",
                "--piece-size", "32K", "--comment", "made by mktorrent for btget tests", "-o", output.toString());
        assertThat(code).as(err.toString()).isZero();
        Torrent t = Torrent.parse(Files.readAllBytes(output));
        assertThat(t.infoHash().hex()).isEqualTo("1feeadee9b19cdc34106883b6a37c53728208b9e");
        assertThat(t.trackerTiers()).containsExactly(List.of("http://127.0.0.1:6969/announce"),
                List.of("http://127.0.0.1:6970/announce"));
        assertThat(t.createdBy()).hasValueSatisfying(c -> assertThat(c).startsWith("btget"));
        assertThat(t.creationDate()).isPresent();
        assertThat(out.toString()).contains("multi: 68.4 KiB, 3 pieces of 32.0 KiB, info hash "
                + "1feeadee9b19cdc34106883b6a37c53728208b9e -> " + output);
        // not a terminal: no progress line, nothing on stderr
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void leavesTheDateOutWithNoDate() throws Exception {
        Path output = dir.resolve("s.torrent");
        assertThat(run("create", TESTDATA.resolve("payload/small.bin").toString(), "--no-date", "-o",
                output.toString())).isZero();
        assertThat(Torrent.parse(Files.readAllBytes(output)).creationDate()).isEmpty();
    }

    @Test
    void refusesToOverwriteWithoutForce() throws Exception {
        Path output = dir.resolve("s.torrent");
        Files.writeString(output, "keep me");
        assertThat(run("create", TESTDATA.resolve("payload/small.bin").toString(), "-o", output.toString()))
                .isEqualTo(ExitCode.USAGE.code);
        assertThat(err.toString()).contains("exists (use --force to overwrite)");
        assertThat(Files.readString(output)).isEqualTo("keep me");
        assertThat(run("create", TESTDATA.resolve("payload/small.bin").toString(), "-o", output.toString(),
                "--force")).isZero();
        assertThat(Torrent.parse(Files.readAllBytes(output)).name()).isEqualTo("small.bin");
    }

    @Test
    void rejectsMissingPathAndBadPieceSizesAsUsageErrors() {
        assertThat(run("create", dir.resolve("nope").toString())).isEqualTo(ExitCode.USAGE.code);
        assertThat(err.toString()).contains("no such file or directory");
        String small = TESTDATA.resolve("payload/small.bin").toString();
        assertThat(run("create", small, "--piece-size", "1000K", "-o", dir.resolve("x").toString()))
                .isEqualTo(ExitCode.USAGE.code);
        assertThat(run("create", small, "--piece-size", "8K", "-o", dir.resolve("x").toString()))
                .isEqualTo(ExitCode.USAGE.code);
        assertThat(run("create", small, "--piece-size", "lots", "-o", dir.resolve("x").toString()))
                .isEqualTo(ExitCode.USAGE.code);
        assertThat(run("create", small, "--name", "../x", "-o", dir.resolve("x").toString()))
                .isEqualTo(ExitCode.USAGE.code);
        assertThat(dir.resolve("x")).doesNotExist();
    }

    @Test
    void refusesADirectoryWithNothingToShare() throws Exception {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        assertThat(run("create", empty.toString(), "-o", dir.resolve("e.torrent").toString()))
                .isEqualTo(ExitCode.USAGE.code);
        assertThat(err.toString()).contains("no files under");
    }

    @Test
    void parsesSizesWithSuffixes() {
        assertThat(CreateCommand.parseSize("262144")).isEqualTo(262144);
        assertThat(CreateCommand.parseSize("256k")).isEqualTo(262144);
        assertThat(CreateCommand.parseSize("4M")).isEqualTo(4 << 20);
        assertThat(CreateCommand.parseSize("1MiB")).isEqualTo(1 << 20);
        assertThat(CreateCommand.parsePieceSize("auto")).isEmpty();
        assertThat(CreateCommand.tiers(List.of("a,b", "c", " , "))).containsExactly(List.of("a", "b"), List.of("c"));
    }

    @Test
    void shortFlagsDoNotContradictTheRestOfBtget() throws Exception {
        Path output = dir.resolve("s.torrent");
        // -d is --dir and -p is --port everywhere else: create has neither, and says so
        assertThat(run("create", TESTDATA.resolve("payload/small.bin").toString(), "-d", "-o", output.toString()))
                .isEqualTo(2);
        assertThat(run("create", TESTDATA.resolve("payload/small.bin").toString(), "-p", "-o", output.toString()))
                .isEqualTo(2);
        assertThat(Files.exists(output)).isFalse();
        assertThat(run("create", TESTDATA.resolve("payload/small.bin").toString(), "--private", "--no-date", "-o",
                output.toString())).isZero();
        Torrent t = Torrent.parse(Files.readAllBytes(output));
        assertThat(t.isPrivate()).isTrue();
        assertThat(t.creationDate()).isEmpty();
    }

    @Test
    void trackerAndWebSeedUrlsAreCheckedBeforeHashing() {
        String data = TESTDATA.resolve("payload/small.bin").toString();
        for (String bad : new String[] {"notaurl", "udp://127.0.0.1/announce", "http://127.0.0.1:70000/a",
                "ftp://127.0.0.1/a", "http:///announce"}) {
            assertThat(run("create", data, "-t", bad, "-o", dir.resolve("x.torrent").toString())).as(bad).isEqualTo(2);
        }
        assertThat(run("create", data, "-t", "http://127.0.0.1:1/a,notaurl", "-o", dir.resolve("x.torrent").toString()))
                .isEqualTo(2);
        assertThat(run("create", data, "-w", "udp://127.0.0.1:1/file", "-o", dir.resolve("x.torrent").toString()))
                .isEqualTo(2);
        assertThat(err.toString()).contains("--tracker must be an http://, https:// or udp:// URL: 'notaurl'");
        assertThat(Files.exists(dir.resolve("x.torrent"))).isFalse();
    }

    @Test
    void theTorrentFileHonoursTheUmaskLikeMktorrent() throws Exception {
        Process p = new ProcessBuilder("sh", "-c", "umask").start();
        String umaskText = new String(p.getInputStream().readAllBytes()).trim();
        assertThat(p.waitFor()).isZero();
        int umask = Integer.parseInt(umaskText, 8);
        Path output = dir.resolve("m.torrent");
        assertThat(run("create", TESTDATA.resolve("payload/small.bin").toString(), "-o", output.toString())).isZero();
        int mode = 0;
        for (java.nio.file.attribute.PosixFilePermission perm : Files.getPosixFilePermissions(output)) {
            mode |= 1 << (8 - perm.ordinal());
        }
        assertThat(Integer.toOctalString(mode)).isEqualTo(Integer.toOctalString(0666 & ~umask));
        try (var files = Files.list(dir)) {
            assertThat(files.map(f -> f.getFileName().toString())).containsExactly("m.torrent");
        }
    }

    @Test
    void theSummaryPluralisesAndUsesBinaryRates() throws Exception {
        Path output = dir.resolve("s.torrent");
        assertThat(run("create", TESTDATA.resolve("payload/small.bin").toString(), "--piece-size", "64K", "-o",
                output.toString())).isZero();
        assertThat(out.toString()).containsPattern("1 piece of [0-9.]+ KiB").containsPattern("[0-9.]+ (B|KiB|MiB|GiB)/s\\)")
                .doesNotContain("MB/s");
    }

    @Test
    void quietPrintsNothing() throws Exception {
        Path output = dir.resolve("q.torrent");
        try {
            assertThat(run("create", "-q", TESTDATA.resolve("payload/small.bin").toString(), "-o", output.toString()))
                    .isZero();
        } finally {
            LoggingOptionsReset.reset();
        }
        assertThat(out.toString()).isEmpty();
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void refusesANameWithAControlCharacterThatTheParserWouldRenameNamingItEscaped() throws Exception {
        // PathRules turns C0, DEL and C1 into '_' when a torrent is read: verify and seed would look for another name
        String[][] cases = {{"line\nbreak.bin", "line\\nbreak.bin"}, {"\u001b[1mbold.txt", "\\x1B[1mbold.txt"},
            {"tab\there", "tab\\there"}, {"del\u007f", "del\\x7F"}, {"c1\u0085x", "c1\\u0085x"}};
        for (String[] c : cases) {
            Path folder = Files.createDirectories(dir.resolve("f" + c[1].hashCode()));
            Files.writeString(folder.resolve("plain.txt"), "data");
            Files.writeString(Files.createDirectories(folder.resolve("sub")).resolve(c[0]), "more");
            Path output = dir.resolve("n.torrent");
            err.getBuffer().setLength(0);
            assertThat(run("create", folder.toString(), "-o", output.toString())).as(c[1]).isEqualTo(ExitCode.DISK.code);
            assertThat(err.toString()).as(c[1]).isEqualTo("btget: file name holds a control character: "
                    + folder.resolve("sub") + "/" + c[1] + " (a torrent client would rename it, and not find the data;"
                    + " rename the file or leave it out)" + System.lineSeparator());
            assertThat(output).doesNotExist();
        }
        try (var left = Files.list(dir)) {
            assertThat(left.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList()).isEmpty();
        }
        // the folder itself is the torrent's name: the same rule
        Path named = Files.createDirectories(dir.resolve("bad\rname"));
        Files.writeString(named.resolve("x"), "data");
        err.getBuffer().setLength(0);
        assertThat(run("create", named.toString(), "-o", dir.resolve("r.torrent").toString()))
                .isEqualTo(ExitCode.DISK.code);
        assertThat(err.toString()).contains("bad\\rname").doesNotContain("\r");
    }

    @Test
    void anOutputInAFolderThatDoesNotExistIsRefusedBeforeHashingNamingTheFolder() throws Exception {
        String small = TESTDATA.resolve("payload/small.bin").toString();
        Path missing = dir.resolve("nodir");
        Path output = missing.resolve("c.torrent");
        assertThat(run("create", small, "-o", output.toString())).isEqualTo(ExitCode.DISK.code);
        assertThat(err.toString()).isEqualTo("btget: cannot write " + output + ": no such folder " + missing
                + System.lineSeparator());
        assertThat(missing).doesNotExist();

        Path file = Files.writeString(dir.resolve("plain"), "x");
        err.getBuffer().setLength(0);
        assertThat(run("create", small, "-o", file.resolve("c.torrent").toString())).isEqualTo(ExitCode.DISK.code);
        assertThat(err.toString()).isEqualTo("btget: cannot write " + file.resolve("c.torrent") + ": " + file
                + " is not a folder" + System.lineSeparator());

        Path folder = Files.createDirectories(dir.resolve("folder"));
        err.getBuffer().setLength(0);
        assertThat(run("create", small, "-o", folder.toString(), "--force")).isEqualTo(ExitCode.DISK.code);
        assertThat(err.toString()).isEqualTo("btget: cannot write " + folder + ": it is a directory"
                + System.lineSeparator());
    }

    @Test
    void anOutputFolderThatCannotBeWrittenIsRefusedBeforeHashing() throws Exception {
        Path locked = Files.createDirectories(dir.resolve("locked"));
        java.nio.file.attribute.PosixFileAttributeView view = Files.getFileAttributeView(locked,
                java.nio.file.attribute.PosixFileAttributeView.class);
        org.junit.jupiter.api.Assumptions.assumeTrue(view != null, "POSIX permissions");
        view.setPermissions(java.nio.file.attribute.PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            org.junit.jupiter.api.Assumptions.assumeFalse(Files.isWritable(locked), "root ignores permissions");
            Path output = locked.resolve("c.torrent");
            assertThat(run("create", TESTDATA.resolve("payload/small.bin").toString(), "-o", output.toString()))
                    .isEqualTo(ExitCode.DISK.code);
            assertThat(err.toString()).isEqualTo("btget: cannot write " + output + ": Permission denied"
                    + System.lineSeparator());
        } finally {
            view.setPermissions(java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }
}
