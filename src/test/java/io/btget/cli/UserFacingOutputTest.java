package io.btget.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** What verify, download and the error lines print: reasons kept, plurals, units, -q. */
@Timeout(60)
class UserFacingOutputTest {
    private static final Path TESTDATA = Path.of(System.getProperty("btget.testdata", "testdata"));

    @TempDir
    Path dir;

    record Result(int code, String out, String err) {
    }

    /** Commands print to System.out / System.err as well as to picocli's writers: capture all of it. */
    private static Result run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            CommandLine cmd = Main.commandLine();
            cmd.setOut(new PrintWriter(System.out, true));
            cmd.setErr(new PrintWriter(System.err, true));
            int code = cmd.execute(args);
            System.out.flush();
            return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
            LoggingOptionsReset.reset();
        }
    }

    private Path torrentOfSmallBin() throws Exception {
        Path t = dir.resolve("small.torrent");
        assertThat(run("create", TESTDATA.resolve("payload/small.bin").toString(), "--piece-size", "16K", "-o",
                t.toString()).code()).isZero();
        return t;
    }

    @Test
    void verifyOfMissingDataReportsNoSpeed() throws Exception {
        Path t = torrentOfSmallBin();
        Path empty = Files.createDirectory(dir.resolve("empty"));
        Result r = run("verify", t.toString(), "-d", empty.toString());
        assertThat(r.code()).isEqualTo(6);
        assertThat(r.out()).contains("0 of 3 pieces OK, 0 of 1 file OK (no data on disk) - INCOMPLETE")
                .doesNotContain("/s");
    }

    @Test
    void oneBadPieceIsSingular() throws Exception {
        Path t = torrentOfSmallBin();
        Path data = Files.createDirectory(dir.resolve("data"));
        byte[] bytes = Files.readAllBytes(TESTDATA.resolve("payload/small.bin"));
        bytes[0] ^= 1;
        Files.write(data.resolve("small.bin"), bytes);
        Result r = run("verify", t.toString(), "-d", data.toString());
        assertThat(r.out()).containsPattern("CORRUPT +small\\.bin \\(1 bad piece\\)").contains("2 of 3 pieces OK")
                .containsPattern("KiB read in [0-9.]+s, [0-9.]+ (KiB|MiB|GiB)/s");
    }

    @Test
    void quietVerifyPrintsNothingButTheExitCodeSays() throws Exception {
        Path t = torrentOfSmallBin();
        Path data = Files.createDirectory(dir.resolve("data"));
        Files.copy(TESTDATA.resolve("payload/small.bin"), data.resolve("small.bin"));
        Result r = run("-q", "verify", t.toString(), "-d", data.toString());
        assertThat(r.code()).isZero();
        assertThat(r.out()).isEmpty();
        // the Jazzer agent of the fuzz tests, loaded in this JVM, reports the classes it instruments on stderr
        assertThat(r.err().lines().filter(l -> !l.startsWith("INFO: Instrumented ")).toList()).isEmpty();
    }

    @Test
    void anOutputDirectoryThatIsAFileSaysSo() throws Exception {
        Path t = torrentOfSmallBin();
        Path file = Files.writeString(dir.resolve("afile"), "x");
        Result r = run("download", t.toString(), "-d", file.toString(), "--peer", "127.0.0.1:9", "--bind", "127.0.0.1",
                "-p", "0");
        assertThat(r.code()).isEqualTo(5);
        assertThat(r.err()).contains("cannot create output directory " + file + ": File exists and is not a directory")
                .doesNotContain(file + ": " + file);
        Result under = run("download", t.toString(), "-d", file.resolve("sub").toString(), "--peer", "127.0.0.1:9",
                "--bind", "127.0.0.1", "-p", "0");
        assertThat(under.err()).contains(": Not a directory");
    }

    @Test
    void fileSystemErrorsKeepTheirReason() {
        assertThat(Main.oneLine(new AccessDeniedException("/srv/data/x"))).isEqualTo("/srv/data/x: Permission denied");
        assertThat(Main.oneLine(new java.io.UncheckedIOException(new java.nio.file.NoSuchFileException("/a"))))
                .isEqualTo("/a: No such file or directory");
        assertThat(Main.oneLine(new java.nio.file.FileSystemException("/a", null, "No space left on device")))
                .isEqualTo("/a: No space left on device");
        assertThat(io.btget.storage.IoReason.of(new AccessDeniedException("/x"))).isEqualTo("Permission denied");
    }
}
