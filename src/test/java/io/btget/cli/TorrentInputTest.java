package io.btget.cli;

import static org.assertj.core.api.Assertions.assertThat;
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

    private HttpServer server;
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
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
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
}
