package io.btget.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.btget.cli.progress.LiveLineViewTestSupport;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built jar on a real pseudo-terminal ({@code script -qc} from util-linux) of a given width, downloading from a
 * tracker that refuses connections: the live line fits the terminal, shows the tracker trouble, and -v log lines
 * stand on lines of their own.
 */
@Tag("interop")
@Timeout(120)
class LiveLineIT {
    @TempDir
    Path dir;

    private static Path jar() {
        return Path.of(System.getProperty("btget.jar", "target/btget.jar")).toAbsolutePath();
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Runs {@code command} in a pty {@code columns} wide; returns everything the terminal received. */
    private String onTerminal(int columns, String command) throws Exception {
        Path raw = dir.resolve("raw-" + columns + ".txt");
        // stty sets the pty's size: what the TIOCGWINSZ ioctl (and stty size) report to btget; COLUMNS is unset
        Process p = new ProcessBuilder("script", "-qec", "stty cols " + columns + " rows 24; unset COLUMNS; " + command,
                "/dev/null").redirectOutput(raw.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD)
                .redirectInput(ProcessBuilder.Redirect.PIPE).directory(dir.toFile()).start();
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("no exit within 90 s");
        }
        return Files.readString(raw, StandardCharsets.UTF_8);
    }

    @Test
    void theLiveLineFitsANarrowTerminalShowsTheDeadTrackerAndLeavesLogLinesWhole() throws Exception {
        assumeTrue(new ProcessBuilder("script", "--version").start().waitFor(10, TimeUnit.SECONDS), "util-linux script");
        Path data = Files.write(dir.resolve("data.bin"), new byte[300_000]);
        Path torrent = dir.resolve("t.torrent");
        String tracker = "http://127.0.0.1:" + closedPort() + "/announce";
        Process create = new ProcessBuilder(java(), "-jar", jar().toString(), "create", data.toString(), "-t", tracker,
                "-o", torrent.toString()).redirectErrorStream(true).start();
        create.getInputStream().readAllBytes();
        assertThat(create.waitFor()).isZero();

        // a peer that takes the connection and never answers: the run goes on (the tracker alone is dead) until
        // the stall timeout, so the live line has time to show the tracker's trouble
        try (ServerSocket silentPeer = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            for (int columns : new int[] {40, 64}) {
                check(columns, onTerminal(columns, "'" + java() + "' -jar '" + jar() + "' download '" + torrent
                        + "' -d out -v --stall-timeout 12 --progress live --bind 127.0.0.1 -p 0 --no-dht --peer 127.0.0.1:"
                        + silentPeer.getLocalPort() + "; echo EXIT=$?"));
            }
        }
    }

    private static void check(int columns, String raw) {
        {
            List<String> lines = LiveLineViewTestSupport.screen(raw.replace("\r\n", "\n"));
            // every state the live line went through: each \r starts a new one; what ends with a newline is a whole
            // line (a log line or the summary), which may wrap like any other output
            int frames = 0;
            for (String physical : raw.split("\n")) {
                String[] parts = physical.replaceAll("\r$", "").split("\r");
                for (int i = 0; i < parts.length - 1; i++) {
                    String visible = parts[i].replace("\033[K", "");
                    assertThat(visible.length()).as("'%s' on %d columns", visible, columns).isLessThan(columns);
                    frames += visible.isEmpty() ? 0 : 1;
                }
            }
            assertThat(frames).isGreaterThan(3);
            assertThat(raw).contains("tracker: refused");
            assertThat(lines).anySatisfy(l -> assertThat(l).matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO .*tracker .*refused.*"));
            // a log line is never glued to progress text
            assertThat(lines).filteredOn(l -> l.contains(" INFO ")).allSatisfy(l -> assertThat(l).doesNotContain("%"));
            assertThat(raw).contains("EXIT=4");
        }
    }
}
