package io.btget.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Torrents with non-ASCII names under a locale that is not UTF-8 ({@code LC_ALL=C}, {@code env -i}): names on disk
 * are the torrent's exact UTF-8 bytes and {@code create} reads them exactly, through {@code java -jar} on every JDK
 * installed here (17, 25) and through {@code scripts/btget}; where that cannot be, one line and exit 5.
 *
 * <p>Every non-ASCII name goes through {@code /bin/sh} as octal escapes and comes back as raw bytes from
 * {@code find -print0}, so the test does not depend on the locale of the JVM running it.
 */
@Timeout(180)
class LocaleIT extends InteropTestBase {
    /** The tree: a non-ASCII root, folder and files (2- and 3-byte UTF-8, an em dash). */
    private static final String ROOT = "dossier-\u00e9t\u00e9";
    private static final List<String> FILES = List.of("caf\u00e9.txt", "sous/na\u00efve \u2014 \u00fc.bin", "plain.bin");

    static Stream<String> jdks() throws IOException {
        List<String> homes = new ArrayList<>(List.of(System.getProperty("java.home")));
        try (Stream<Path> all = Files.list(Path.of("/usr/lib/jvm"))) {
            all.filter(p -> p.getFileName().toString().matches(".*-(17|25)-.*") && Files.isExecutable(p.resolve("bin/java")))
                    .map(Path::toString).filter(h -> !h.equals(System.getProperty("java.home"))).sorted()
                    .forEach(homes::add);
        } catch (IOException e) {
            // only the running JDK
        }
        return homes.stream().distinct();
    }

    /** {@code s} as a shell word whose bytes are exactly its UTF-8 bytes, whatever the locale of any process. */
    private static String word(String s) {
        StringBuilder sb = new StringBuilder("\"$(printf '");
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            sb.append(String.format("\\%03o", b & 0xff));
        }
        return sb.append("')\"").toString();
    }

    private record Run(int code, String stdout, String stderr) {
    }

    /** Runs {@code /bin/sh -c script} in the test folder, bounded, and returns its exit code and output. */
    private Run sh(String script) throws IOException, InterruptedException {
        Path out = dir.resolve("sh-" + System.nanoTime() + ".out");
        Path err = dir.resolve("sh-" + System.nanoTime() + ".err");
        Process p = new ProcessBuilder("/bin/sh", "-c", script).directory(dir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try {
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("finished: %s", script).isTrue();
            return new Run(p.exitValue(), Files.readString(out, StandardCharsets.ISO_8859_1),
                    Files.readString(err, StandardCharsets.ISO_8859_1));
        } finally {
            p.destroyForcibly();
            p.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
        }
    }

    /** btget through {@code java -jar} of {@code javaHome}, in an environment holding only PATH and {@code env}. */
    private Run jar(String javaHome, String env, String... args) throws IOException, InterruptedException {
        StringBuilder script = new StringBuilder("exec env -i PATH=/usr/bin:/bin " + env + " '" + javaHome
                + "/bin/java' -jar '" + BtgetProcess.jar() + "'");
        for (String a : io.btget.DhtOff.args(List.of(args))) {
            script.append(' ').append(word(a));
        }
        return sh(script.toString());
    }

    /** Makes the tree (under {@code parent}) with the test's names, written byte-exact. */
    private void makeTree(String parent) throws IOException, InterruptedException {
        StringBuilder script = new StringBuilder("set -e; ");
        for (int i = 0; i < FILES.size(); i++) {
            String path = parent + "/" + ROOT + "/" + FILES.get(i);
            String folder = path.substring(0, path.lastIndexOf('/'));
            script.append("mkdir -p ").append(word(folder)).append("; ");
            script.append("head -c ").append(20_000 + 7_919 * i).append(" /dev/urandom > ").append(word(path)).append("; ");
        }
        assertThat(sh(script.toString()).code()).isZero();
    }

    /** The relative paths of the files under {@code folder}, as the exact bytes on disk decoded as UTF-8. */
    private Set<String> namesOnDisk(String folder) throws IOException, InterruptedException {
        Run r = sh("cd " + word(folder) + " && find . -type f -print0");
        assertThat(r.code()).isZero();
        byte[] raw = r.stdout().getBytes(StandardCharsets.ISO_8859_1);
        Set<String> names = new TreeSet<>();
        ByteArrayOutputStream one = new ByteArrayOutputStream();
        for (byte b : raw) {
            if (b == 0) {
                String name = one.toString(StandardCharsets.UTF_8);
                assertThat(StandardCharsets.UTF_8.newEncoder().canEncode(name)).isTrue();
                names.add(name.substring(2));
                one.reset();
            } else {
                one.write(b);
            }
        }
        return names;
    }

    private String mktorrentInfoHash(String source) throws IOException, InterruptedException {
        Tools.require("mktorrent");
        Run r = sh("mktorrent -l 15 -o mk.torrent " + word(source) + " >/dev/null");
        assertThat(r.code()).as(r.stderr()).isZero();
        return Torrents.infoHashHex(dir.resolve("mk.torrent"));
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void createUnderTheCLocaleReadsNamesExactlyAndMatchesMktorrent(String jdk) throws Exception {
        makeTree("src");
        String expected = mktorrentInfoHash("src/" + ROOT);
        for (String env : List.of("LC_ALL=C", "")) {
            Files.deleteIfExists(dir.resolve("b.torrent"));
            // the root is a non-ASCII argument: read exactly, not a usage error
            Run r = jar(jdk, env, "create", "src/" + ROOT, "--piece-size", "32K", "-o", "b.torrent", "--progress", "none");
            assertThat(r.code()).as("%s %s: %s", jdk, env, r.stderr()).isZero();
            assertThat(Torrents.infoHashHex(dir.resolve("b.torrent"))).as("%s %s", jdk, env).isEqualTo(expected);
        }
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void verifyUnderTheCLocaleFindsTheNonAsciiFiles(String jdk) throws Exception {
        makeTree("src");
        mktorrentInfoHash("src/" + ROOT);
        Run ok = jar(jdk, "LC_ALL=C", "verify", "mk.torrent", "-d", "src", "--progress", "none");
        assertThat(ok.code()).as(ok.stdout() + ok.stderr()).isZero();
        // and the exit code of the restarted JVM comes back: 6 for a missing file
        Run gone = sh("rm " + word("src/" + ROOT + "/" + FILES.get(0)));
        assertThat(gone.code()).isZero();
        Run missing = jar(jdk, "LC_ALL=C", "verify", "mk.torrent", "-d", "src", "--progress", "none");
        assertThat(missing.code()).as(missing.stdout() + missing.stderr()).isEqualTo(6);
    }

    @Test
    void downloadUnderTheCLocaleWritesTheTorrentsExactNames() throws Exception {
        makeTree("seed");
        mktorrentInfoHash("seed/" + ROOT);
        int port = Ports.free();
        BtgetProcess seeder = btget("btget-seed", "seed", "mk.torrent", "-d", "seed", "-p", Integer.toString(port));
        seeder.awaitEvent(e -> "progress".equals(e.get("event")) && "seeding".equals(e.get("phase")),
                Duration.ofSeconds(60), "seeding");
        Files.createDirectories(dir.resolve("out"));
        Run r = jar(System.getProperty("java.home"), "LC_ALL=C", "download", "mk.torrent", "-d", "out",
                "--peer", "127.0.0.1:" + port, "--bind", "127.0.0.1", "-p", Integer.toString(Ports.free()),
                "--progress", "none", "--stall-timeout", "60s");
        assertThat(r.code()).as(r.stdout() + r.stderr()).isZero();
        assertThat(namesOnDisk("out/" + ROOT)).containsExactlyInAnyOrderElementsOf(FILES);
        assertThat(sh("cmp " + word("seed/" + ROOT + "/" + FILES.get(1)) + " " + word("out/" + ROOT + "/" + FILES.get(1)))
                .code()).isZero();
    }

    @Test
    void theLauncherScriptRunsUnderAUtf8LocaleWhenTheCallersIsNot() throws Exception {
        makeTree("src");
        String expected = mktorrentInfoHash("src/" + ROOT);
        Path script = Tools.repositoryRoot().resolve("scripts/btget");
        Run r = sh("exec env -i PATH=/usr/bin:/bin:" + Path.of(System.getProperty("java.home"), "bin") + " BTGET_NO_CDS=1 '"
                + script + "' create " + word("src/" + ROOT) + " --piece-size 32K -o s.torrent --progress none");
        assertThat(r.code()).as(r.stderr()).isZero();
        assertThat(Torrents.infoHashHex(dir.resolve("s.torrent"))).isEqualTo(expected);
    }

    /** No UTF-8 locale to restart under (simulated: the restart already happened): refuse, one line, exit 5. */
    @Test
    void withoutAnyUtf8LocaleEveryCommandRefusesWithOneLineBeforeDataMoves() throws Exception {
        makeTree("src");
        mktorrentInfoHash("src/" + ROOT);
        String java = System.getProperty("java.home");
        String env = "LC_ALL=C BTGET_LOCALE_RESTARTED=1";
        Files.createDirectories(dir.resolve("out"));
        List<Run> runs = List.of(
                jar(java, env, "download", "mk.torrent", "-d", "out", "--peer", "127.0.0.1:9", "--progress", "none"),
                jar(java, env, "verify", "mk.torrent", "-d", "src", "--progress", "none"),
                jar(java, env, "create", "src", "-o", "x.torrent", "--progress", "none"),
                jar(java, env, "create", "src/" + ROOT, "-o", "y.torrent", "--progress", "none"));
        for (Run r : runs) {
            assertThat(r.code()).as(r.stderr()).isEqualTo(5);
            assertThat(r.stderr().strip().lines()).as(r.stderr()).hasSize(1);
            assertThat(r.stderr()).contains("not UTF-8").contains("LC_ALL=C.UTF-8").doesNotContain("Exception");
        }
        try (Stream<Path> out = Files.list(dir.resolve("out"))) {
            assertThat(out).isEmpty();
        }
        assertThat(dir.resolve("x.torrent")).doesNotExist();
        assertThat(dir.resolve("y.torrent")).doesNotExist();
    }

    @Test
    void aSigtermToTheRestartingJvmStopsTheRestartedOneCleanly() throws Exception {
        Files.createDirectories(dir.resolve("out"));
        makeTree("src");
        mktorrentInfoHash("src/" + ROOT);
        List<String> cmd = new ArrayList<>(List.of("env", "-i", "PATH=/usr/bin:/bin", "LC_ALL=C",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", BtgetProcess.jar().toString(),
                "download", "mk.torrent", "-d", "out", "--peer", "127.0.0.1:9", "--bind", "127.0.0.1",
                "--stall-timeout", "120s", "--json", "--no-dht"));
        try (ManagedProcess p = track(ManagedProcess.start("btget-term", logs(), dir, cmd))) {
            ProcessHandle parent = ProcessHandle.of(p.pid()).orElseThrow();
            p.await(() -> parent.children().findAny().isPresent() && p.stdout().contains("\"event\""),
                    Duration.ofSeconds(60), "the restarted JVM to start");
            ProcessHandle child = parent.children().findAny().orElseThrow();
            parent.destroy(); // SIGTERM to the first JVM only
            assertThat(parent.onExit().get(60, TimeUnit.SECONDS).isAlive()).isFalse();
            assertThat(child.isAlive()).isFalse();
            assertThat(p.awaitExit(Duration.ofSeconds(5))).as(p.describe()).isEqualTo(143);
        }
    }

    /** The restarted JVM's download, started under {@code LC_ALL=C} through {@code java -jar}, stalled on a dead peer. */
    private ManagedProcess restartedDownload(String name) throws Exception {
        Files.createDirectories(dir.resolve("out"));
        makeTree("src");
        mktorrentInfoHash("src/" + ROOT);
        List<String> cmd = new ArrayList<>(List.of("env", "-i", "PATH=/usr/bin:/bin", "LC_ALL=C",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", BtgetProcess.jar().toString(),
                "download", "mk.torrent", "-d", "out", "--peer", "127.0.0.1:9", "--bind", "127.0.0.1",
                "--stall-timeout", "120s", "--json", "--no-dht"));
        ManagedProcess p = track(ManagedProcess.start(name, logs(), dir, cmd));
        ProcessHandle parent = ProcessHandle.of(p.pid()).orElseThrow();
        p.await(() -> parent.children().findAny().isPresent() && p.stdout().contains("\"event\""),
                Duration.ofSeconds(60), "the restarted JVM to start");
        return p;
    }

    /** systemd's control-group kill: SIGTERM to both JVMs at once; the restarted one gets it twice, and stops cleanly. */
    @Test
    void aSigtermToBothJvmsAtOnceStillStopsTheRestartedOneCleanly() throws Exception {
        try (ManagedProcess p = restartedDownload("btget-term-both")) {
            ProcessHandle parent = ProcessHandle.of(p.pid()).orElseThrow();
            ProcessHandle child = parent.children().findAny().orElseThrow();
            Process kill = new ProcessBuilder("kill", "-TERM", Long.toString(parent.pid()), Long.toString(child.pid()))
                    .inheritIO().start();
            assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(p.awaitExit(Duration.ofSeconds(60))).as(p.describe()).isEqualTo(143);
            assertThat(child.onExit().get(10, TimeUnit.SECONDS).isAlive()).isFalse();
            // the clean stop's summary: a halt (the second signal taken as "exit at once") prints none
            assertThat(p.stdout()).as(p.describe()).contains("stopped");
        }
    }

    /** The first JVM SIGKILLed (OOM killer, timeout -k): the restarted one, in its own session, must not run on. */
    @Test
    void killingTheFirstJvmOutrightStopsTheRestartedOne() throws Exception {
        try (ManagedProcess p = restartedDownload("btget-kill-first")) {
            ProcessHandle parent = ProcessHandle.of(p.pid()).orElseThrow();
            ProcessHandle child = parent.children().findAny().orElseThrow();
            parent.destroyForcibly();
            try {
                assertThat(child.onExit().get(20, TimeUnit.SECONDS).isAlive()).isFalse();
            } finally {
                child.destroyForcibly();
            }
        }
    }

    /** A locale whose charmap is ISO-8859-1, built into the test folder (LOCPATH); skipped where localedef cannot. */
    private String latin1Env() throws IOException, InterruptedException {
        Run r = sh("mkdir -p loc && localedef -i de_DE -f ISO-8859-1 loc/de_DE.ISO-8859-1 >/dev/null 2>&1;"
                + " LOCPATH=loc LC_ALL=de_DE.ISO-8859-1 locale charmap");
        org.junit.jupiter.api.Assumptions.assumeTrue(r.stdout().strip().equals("ISO-8859-1"), "no Latin-1 locale: " + r);
        return "LOCPATH=" + dir.resolve("loc") + " LC_ALL=de_DE.ISO-8859-1";
    }

    /** "src/Müll" as typed under Latin-1: its bytes (FC for the u-umlaut) are not UTF-8. */
    private static final String LATIN1_WORD = "\"$(printf 'src/M\\374ll')\"";

    @Test
    void anArgumentTypedUnderLatin1IsRefusedNotReadAsAnotherName() throws Exception {
        String env = latin1Env();
        assertThat(sh("mkdir -p src && mkdir " + LATIN1_WORD + " && head -c 1000 /dev/urandom > " + LATIN1_WORD + "/f")
                .code()).isZero();
        Run r = sh("exec env -i PATH=/usr/bin:/bin " + env + " '" + System.getProperty("java.home") + "/bin/java' -jar '"
                + BtgetProcess.jar() + "' create " + LATIN1_WORD + " -o x.torrent --progress none");
        assertThat(r.code()).as(r.stderr()).isEqualTo(5);
        assertThat(r.stderr().strip().lines()).as(r.stderr()).hasSize(1);
        assertThat(r.stderr()).contains("not UTF-8").contains("\\xFC").doesNotContain("Exception");
        assertThat(dir.resolve("x.torrent")).doesNotExist();
    }

    @Test
    void theLauncherScriptRefusesNonAsciiArgumentsUnderAnEightBitLocale() throws Exception {
        String env = latin1Env();
        Path script = Tools.repositoryRoot().resolve("scripts/btget");
        String run = "exec env -i PATH=/usr/bin:/bin:" + Path.of(System.getProperty("java.home"), "bin") + " BTGET_NO_CDS=1 "
                + env + " '" + script + "' create ";
        Run r = sh(run + LATIN1_WORD + " -o x.torrent --progress none");
        assertThat(r.code()).as(r.stderr()).isEqualTo(5);
        assertThat(r.stderr().strip().lines()).as(r.stderr()).hasSize(1);
        assertThat(r.stderr()).contains("ISO-8859-1").contains("UTF-8");
        // ASCII arguments are the same bytes in every locale: they still run (here: no such folder, exit 5 from btget)
        Run ascii = sh(run + "nothing-here -o y.torrent --progress none");
        assertThat(ascii.stderr()).doesNotContain("ISO-8859-1");
    }
}
