package io.btget.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

@Timeout(60)
class TorrentInputTest {
    private static final Path TORRENT = Path.of(System.getProperty("btget.testdata", "testdata"), "torrents",
            "mktorrent-single.torrent");

    @TempDir
    Path dir;

    /** The whole-fetch deadline the slow-server tests give {@link TorrentInput#load(String, Duration)}. */
    private static final Duration DEADLINE = Duration.ofSeconds(1);

    private HttpServer server;
    /** Handlers that stall run on their own threads, so the other contexts keep answering. */
    private final ExecutorService handlers = Executors.newCachedThreadPool();
    /** Released when the test ends: lets the stalling handlers return. */
    private final CountDownLatch release = new CountDownLatch(1);
    private String base;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeEach
    void startServer() throws Exception {
        byte[] torrent = Files.readAllBytes(TORRENT);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/file.torrent", ex -> {
            ex.sendResponseHeaders(200, torrent.length);
            try (OutputStream o = ex.getResponseBody()) {
                o.write(torrent);
            }
        });
        server.createContext("/gzip.torrent", ex -> {
            ByteArrayOutputStream z = new ByteArrayOutputStream();
            try (GZIPOutputStream g = new GZIPOutputStream(z)) {
                g.write(torrent);
            }
            assertThat(ex.getRequestHeaders().getFirst("Accept-Encoding")).contains("gzip");
            ex.getResponseHeaders().add("Content-Encoding", "gzip");
            ex.sendResponseHeaders(200, z.size());
            try (OutputStream o = ex.getResponseBody()) {
                z.writeTo(o);
            }
        });
        server.createContext("/moved", ex -> {
            ex.getResponseHeaders().add("Location", "/file.torrent");
            ex.sendResponseHeaders(302, -1);
            ex.close();
        });
        server.createContext("/missing.torrent", ex -> {
            ex.sendResponseHeaders(404, -1);
            ex.close();
        });
        server.createContext("/huge.torrent", ex -> {
            // no Content-Length (chunked), and more than the limit: the reader must stop on its own
            ex.sendResponseHeaders(200, 0);
            byte[] chunk = new byte[1 << 20];
            try (OutputStream o = ex.getResponseBody()) {
                for (int i = 0; i < 70; i++) {
                    o.write(chunk);
                }
            } catch (java.io.IOException closedByTheClient) {
                // expected: btget hangs up once past the limit
            }
        });
        server.createContext("/gzip-bomb.torrent", ex -> {
            ByteArrayOutputStream z = new ByteArrayOutputStream();
            try (GZIPOutputStream g = new GZIPOutputStream(z)) {
                byte[] zeros = new byte[1 << 20];
                for (int i = 0; i < 80; i++) {
                    g.write(zeros);
                }
            }
            ex.getResponseHeaders().add("Content-Encoding", "gzip");
            ex.sendResponseHeaders(200, z.size());
            try (OutputStream o = ex.getResponseBody()) {
                z.writeTo(o);
            }
        });
        server.createContext("/stall.torrent", ex -> {
            // the headers promise the whole torrent, then nothing more is sent
            ex.sendResponseHeaders(200, torrent.length);
            ex.getResponseBody().flush();
            awaitRelease();
            ex.close();
        });
        server.createContext("/moved-to-stall", ex -> {
            ex.getResponseHeaders().add("Location", "/stall.torrent");
            ex.sendResponseHeaders(302, -1);
            ex.close();
        });
        server.createContext("/trickle.torrent", ex -> {
            // chunked, one byte every 200 ms, for as long as the client listens
            ex.sendResponseHeaders(200, 0);
            OutputStream o = ex.getResponseBody();
            try {
                for (int i = 0; release.getCount() > 0; i++) {
                    o.write(torrent[i % torrent.length]);
                    o.flush();
                    if (release.await(200, TimeUnit.MILLISECONDS)) {
                        break;
                    }
                }
            } catch (java.io.IOException closedByTheClient) {
                // expected: btget hangs up at its deadline
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ex.close();
        });
        server.setExecutor(handlers);
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stopServer() {
        release.countDown();
        server.stop(0);
        handlers.shutdownNow();
    }

    private void awaitRelease() {
        try {
            release.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Fetching {@code url} ends at {@link #DEADLINE} with the one-line network error (exit 4) of a timeout. */
    private static void assertCutOffAtTheDeadline(String url) {
        long start = System.nanoTime();
        UserError e = catchThrowableOfType(() -> TorrentInput.load(url, DEADLINE), UserError.class);
        long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(e).as("a fetch that should have failed").isNotNull();
        assertThat(e.exitCode().code).isEqualTo(4);
        assertThat(Main.oneLine(e)).isEqualTo(url + ": no complete reply within 1 s");
        // generous slack for a loaded machine; a hang is caught by the @Timeout
        assertThat(elapsedMs).isLessThan(DEADLINE.toMillis() + 8_000);
    }

    private int run(String... args) {
        CommandLine cmd = Main.commandLine();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        return cmd.execute(args);
    }

    @Test
    void infoReadsATorrentFromAnHttpUrl() {
        assertThat(run("info", base + "/file.torrent")).as(err.toString()).isZero();
        assertThat(out.toString()).contains("Info hash:");
    }

    @Test
    void followsRedirectsAndDecodesGzip() {
        assertThat(run("info", base + "/moved")).as(err.toString()).isZero();
        assertThat(run("info", "--json", base + "/gzip.torrent")).as(err.toString()).isZero();
    }

    @Test
    void anHttpErrorIsOneLineAndExit4() {
        assertThat(run("info", base + "/missing.torrent")).isEqualTo(4);
        assertThat(err.toString().strip()).isEqualTo("btget: " + base + "/missing.torrent: HTTP 404");
    }

    @Test
    void aRefusedConnectionIsExit4() throws Exception {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        assertThat(run("info", "http://127.0.0.1:" + port + "/x.torrent")).isEqualTo(4);
        assertThat(err.toString()).contains("connection refused");
    }

    @Test
    void aBodyOverTheTorrentLimitIsRefusedWithoutReadingItAll() {
        assertThat(run("info", base + "/huge.torrent")).isEqualTo(3);
        assertThat(err.toString()).contains("too large");
        assertThat(run("info", base + "/gzip-bomb.torrent")).isEqualTo(3);
    }

    @Test
    @Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // interrupting a blocked read may not stop it
    void aServerThatStallsAfterTheHeadersIsCutOffAtTheDeadline() {
        // JDK 17's request timeout only covers the headers; the deadline must cover the body, redirects included
        assertCutOffAtTheDeadline(base + "/stall.torrent");
        assertCutOffAtTheDeadline(base + "/moved-to-stall");
    }

    @Test
    @Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // interrupting a blocked read may not stop it
    void aBodyTrickledAByteEvery200msIsCutOffAtTheDeadline() {
        assertCutOffAtTheDeadline(base + "/trickle.torrent");
    }

    @Test
    void otherSchemesAreUsageErrors() {
        assertThat(run("info", "ftp://127.0.0.1/x.torrent")).isEqualTo(2);
        assertThat(err.toString()).contains("only http and https");
    }

    @Test
    void aFifoIsRefusedInsteadOfBlockingForever() throws Exception {
        Path fifo = dir.resolve("t.torrent");
        Process mk = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assumeTrue(mk.waitFor(10, TimeUnit.SECONDS) && mk.exitValue() == 0, "mkfifo is needed");
        assertThat(run("info", fifo.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("is not a regular file (a FIFO)");
    }

    @Test
    void devicesAndDirectoriesAreRefused() {
        assertThat(run("info", "/dev/zero")).isEqualTo(2);
        assertThat(err.toString()).contains("/dev/zero is not a regular file (a character device)");
        assertThat(run("verify", dir.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("is a directory");
    }

    @Test
    void aMagnetWhereTheCommandNeedsATorrentFileIsAUsageError() {
        UserError e = catchThrowableOfType(() -> TorrentInput.load("magnet:?xt=urn:btih:" + "ab".repeat(20)),
                UserError.class);
        assertThat(e.exitCode().code).as("a valid magnet is not a bad torrent: the command was wrong").isEqualTo(2);
        assertThat(e.getMessage()).contains("needs the .torrent file").contains("--save-torrent");
    }
}
