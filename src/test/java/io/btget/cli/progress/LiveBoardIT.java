package io.btget.cli.progress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built jar on a real pseudo-terminal ({@code script -qc} from util-linux) downloading two torrents in one
 * process: a line per torrent plus a total, each fitted to the terminal's width, redrawn in place, and erased at
 * the end, leaving the per-torrent summary.
 */
@Tag("interop")
@Timeout(120)
class LiveBoardIT {
    private static final int COLUMNS = 50;

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

    private Path torrent(String name, int size, String tracker) throws Exception {
        Path data = Files.write(dir.resolve(name), new byte[size]);
        Path torrent = dir.resolve(name + ".torrent");
        Process create = new ProcessBuilder(java(), "-jar", jar().toString(), "create", data.toString(), "-t", tracker,
                "-o", torrent.toString()).redirectErrorStream(true).start();
        create.getInputStream().readAllBytes();
        assertThat(create.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(create.exitValue()).isZero();
        return torrent;
    }

    @Test
    void aLinePerTorrentAndATotalFitTheTerminalAndTheBoardIsErasedAtTheEnd() throws Exception {
        assumeTrue(new ProcessBuilder("script", "--version").start().waitFor(10, TimeUnit.SECONDS), "util-linux script");
        String tracker = "http://127.0.0.1:" + closedPort() + "/announce";
        Path a = torrent("first-of-two-with-a-long-name.bin", 300_000, tracker);
        Path b = torrent("second.bin", 200_000, tracker);
        Path raw = dir.resolve("raw.txt");
        // a peer that takes the connection and never answers: both run until the stall timeout
        try (ServerSocket silentPeer = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            String command = "'" + java() + "' -jar '" + jar() + "' download '" + a + "' '" + b + "' -d out"
                    + " --stall-timeout 6 --progress live --bind 127.0.0.1 -p 0 --no-dht --peer 127.0.0.1:"
                    + silentPeer.getLocalPort() + "; echo EXIT=$?";
            Process p = new ProcessBuilder("script", "-qec", "stty cols " + COLUMNS + " rows 24; unset COLUMNS; " + command,
                    "/dev/null").redirectOutput(raw.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD)
                    .redirectInput(ProcessBuilder.Redirect.PIPE).directory(dir.toFile()).start();
            if (!p.waitFor(90, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("no exit within 90 s");
            }
        }
        String text = Files.readString(raw, StandardCharsets.UTF_8).replace("\r\n", "\n");
        assertThat(text).contains("EXIT=4");

        // every frame the board drew: what follows an erase (ESC [J); the lines btget prints above the board
        // ("btget: ..." failures, the summary) are whole lines that may wrap like any output, the board's may not
        List<List<String>> frames = new ArrayList<>();
        for (String chunk : text.split("\033\\[J")) {
            List<String> lines = new ArrayList<>();
            for (String line : chunk.replaceAll("\r?(\033\\[\\d*A)?$", "").split("\n")) {
                lines.add(line.replace("\r", ""));
            }
            frames.add(lines);
        }
        List<String> boardLines = new ArrayList<>();
        for (List<String> frame : frames) {
            for (String line : frame) {
                if (line.startsWith("first-of-two") || line.startsWith("second.bin:") || line.startsWith("total:")) {
                    boardLines.add(line);
                    assertThat(line.length()).as("'%s' on %d columns", line, COLUMNS).isLessThan(COLUMNS);
                }
            }
        }
        assertThat(boardLines).anyMatch(l -> l.startsWith("first-of-two-with-a-lon~:"));
        assertThat(boardLines).anyMatch(l -> l.startsWith("second.bin:"));
        // 50 columns: the combined percentage and rate outrank the counts (they show on wider terminals)
        assertThat(boardLines).anyMatch(l -> l.startsWith("total:") && l.contains("0.0%") && l.contains("DL "));

        List<String> screen = LiveBoardViewTest.screen(text);
        assertThat(screen).as("the board is gone at the end").noneMatch(l -> l.startsWith("total:"));
        assertThat(screen).anyMatch(l -> l.startsWith("btget: 2 torrents, 0 succeeded, 2 did not (exit 4)"));
        assertThat(screen).anyMatch(l -> l.startsWith("  second.bin: stalled (exit 4)"));
    }
}
