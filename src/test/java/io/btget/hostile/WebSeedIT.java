package io.btget.hostile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.btget.metainfo.TorrentBuilder;
import io.btget.webseed.TestHttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Web seeds (BEP 19) through the CLI, as a user runs it: {@code btget download x.torrent} where x.torrent has a
 * {@code url-list} and no trackers. Real HTTP servers on 127.0.0.1: the JDK's server honouring Range, hostile modes
 * of it, and {@code python3 -m http.server}, which ignores Range and answers 200 with the whole file.
 */
@Tag("interop")
@Timeout(120)
class WebSeedIT {
    @TempDir
    Path dir;

    /** A folder {@code srv/data} of three files (12 MiB in all: three 4 MiB runs for a web seed), 64 KiB pieces. */
    private Path payload() throws IOException {
        Path data = dir.resolve("srv").resolve("data set");
        Files.createDirectories(data.resolve("sub"));
        Random r = new Random(11);
        write(data.resolve("first file.bin"), 5_000_000, r);
        write(data.resolve("sub").resolve("second #2.bin"), 3_000_001, r);
        write(data.resolve("third.bin"), 4_582_911, r);
        return data;
    }

    private static void write(Path file, int length, Random r) throws IOException {
        byte[] b = new byte[length];
        r.nextBytes(b);
        Files.write(file, b);
    }

    private Path torrent(Path data, List<String> webSeeds) throws Exception {
        byte[] bytes = new TorrentBuilder(data).pieceLength(Optional.of(64 << 10)).webSeeds(webSeeds)
                .build((done, total) -> { }).torrentFile();
        Path t = dir.resolve("x.torrent");
        Files.write(t, bytes);
        return t;
    }

    private BtgetProcess download(Path torrent, String... extra) throws IOException {
        List<String> args = new java.util.ArrayList<>(List.of("download", torrent.toString(), "-d",
                dir.resolve("out").toString(), "--progress", "plain", "--stall-timeout", "60s"));
        args.addAll(List.of(extra));
        return BtgetProcess.start(dir.resolve("logs"), args);
    }

    private void assertSameTree(Path data) throws IOException {
        Path got = dir.resolve("out").resolve(data.getFileName().toString());
        try (var files = Files.walk(data)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                assertThat(Files.mismatch(f, got.resolve(data.relativize(f).toString())))
                        .as("%s", f).isEqualTo(-1L);
            }
        }
    }

    @Test
    void aSingleFileTorrentWhoseOnlySourceIsAWebSeedHonouringRange() throws Exception {
        Path file = dir.resolve("srv").resolve("movie file.mkv");
        Files.createDirectories(file.getParent());
        write(file, 6_000_000, new Random(5));
        try (TestHttpServer server = new TestHttpServer(dir.resolve("srv"), TestHttpServer.Mode.RANGE);
                BtgetProcess btget = download(torrent(file, List.of(server.url())))) {
            assertThat(btget.waitFor(60)).as(btget.stderr() + btget.stdout()).isZero();
            assertThat(Files.mismatch(file, dir.resolve("out").resolve("movie file.mkv"))).isEqualTo(-1L);
            assertThat(server.bytesServed()).isEqualTo(6_000_000L);
        }
    }

    @Test
    void aMultiFileTorrentFromPythonHttpServerWhichIgnoresRange() throws Exception {
        Path data = payload();
        int port = Loopback.freePort();
        Process python;
        try {
            python = new ProcessBuilder("python3", "-m", "http.server", String.valueOf(port), "--bind", "127.0.0.1",
                    "--directory", dir.resolve("srv").toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("python.log").toFile()).start();
        } catch (IOException e) {
            assumeTrue(false, "python3 is not installed");
            return;
        }
        try {
            awaitPort(port);
            try (BtgetProcess btget = download(torrent(data, List.of("http://127.0.0.1:" + port + "/")))) {
                assertThat(btget.waitFor(60)).as(btget.stderr() + btget.stdout()).isZero();
            }
            assertSameTree(data);
            // Read through about once: one GET per file, a few more if a run started over.
            long gets = Files.readAllLines(dir.resolve("python.log")).stream().filter(l -> l.contains("\"GET ")).count();
            assertThat(gets).isBetween(3L, 9L);
        } finally {
            python.destroy();
            if (!python.waitFor(5, TimeUnit.SECONDS)) {
                python.destroyForcibly();
            }
        }
    }

    @Test
    void aWebSeedAndABtgetPeerAtOnce() throws Exception {
        Path data = payload();
        try (TestHttpServer server = new TestHttpServer(dir.resolve("srv"), TestHttpServer.Mode.RANGE)) {
            Path t = torrent(data, List.of(server.url()));
            int port = Loopback.freePort();
            try (BtgetProcess seeder = BtgetProcess.start(dir.resolve("seedlogs"), "seed", t.toString(), "-d",
                    dir.resolve("srv").toString(), "-p", String.valueOf(port), "--json")) {
                Loopback.awaitHandshake(port, io.btget.metainfo.Torrent.parse(Files.readAllBytes(t)).infoHash().bytes(),
                        seeder);
                try (BtgetProcess btget = download(t, "--peer", "127.0.0.1:" + port)) {
                    assertThat(btget.waitFor(60)).as(btget.stderr() + btget.stdout()).isZero();
                }
                assertSameTree(data);
                assertThat(server.bytesServed()).as("the web seed served").isPositive();
                long uploaded = 0;
                for (int i = 0; i < 50 && uploaded == 0; i++) {
                    Thread.sleep(100);
                    uploaded = lastUploaded(seeder.stdout());
                }
                assertThat(uploaded).as("the peer served").isPositive();
            }
        }
    }

    private static long lastUploaded(String json) {
        Matcher m = Pattern.compile("\"uploaded\":(\\d+)").matcher(json);
        long last = 0;
        while (m.find()) {
            last = Long.parseLong(m.group(1));
        }
        return last;
    }

    @Test
    void aWebSeedSendingBadDataIsBannedAndA404IsRetriedWhileAnHonestOneCompletesTheDownload() throws Exception {
        Path data = payload();
        try (TestHttpServer bad = new TestHttpServer(dir.resolve("srv"), TestHttpServer.Mode.CORRUPT);
                TestHttpServer missing = new TestHttpServer(dir.resolve("srv"), TestHttpServer.Mode.NOT_FOUND);
                TestHttpServer good = new TestHttpServer(dir.resolve("srv"), TestHttpServer.Mode.RANGE);
                BtgetProcess btget = download(torrent(data, List.of(bad.url(), missing.url(), good.url())))) {
            assertThat(btget.waitFor(60)).as(btget.stderr() + btget.stdout()).isZero();
            assertSameTree(data);
            String out = btget.stdout() + btget.stderr();
            assertThat(out).contains("banned web seed " + bad.url());
            assertThat(out).contains("web seed " + missing.url() + ": HTTP 404");
            assertThat(btget.stackTraceLines()).isEmpty();
        }
    }

    private static void awaitPort(int port) throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return;
            } catch (IOException e) {
                Thread.sleep(100);
            }
        }
        throw new AssertionError("python3 -m http.server never listened on " + port);
    }
}
