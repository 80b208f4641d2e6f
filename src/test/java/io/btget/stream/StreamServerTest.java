package io.btget.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.btget.piece.PiecePriorities;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URL;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The HTTP side of {@code btget stream} against a fake download whose pieces the test verifies one by one. */
@Timeout(60)
class StreamServerTest {
    private static final int PIECE = 32 * 1024;
    private static final int PIECES = 20;
    /** The served file: bytes 10_000 .. 10_000 + 500_000 of the torrent (it starts and ends inside pieces). */
    private static final long FILE_OFFSET = 10_000;
    private static final long FILE_LENGTH = 500_000;

    private final byte[] torrent = new byte[PIECE * PIECES];
    private final boolean[] verified = new boolean[PIECES];
    private final AtomicInteger unverifiedReads = new AtomicInteger();
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final PiecePriorities priorities = new PiecePriorities();
    private StreamServer server;

    StreamServerTest() {
        new Random(3).nextBytes(torrent);
    }

    private final PieceSource source = new PieceSource() {
        @Override
        public int pieceLength() {
            return PIECE;
        }

        @Override
        public synchronized boolean have(int piece) {
            return verified[piece];
        }

        @Override
        public synchronized boolean read(int piece, int offset, byte[] dst, int length) {
            if (!verified[piece]) {
                unverifiedReads.incrementAndGet();
                return false;
            }
            System.arraycopy(torrent, piece * PIECE + offset, dst, 0, length);
            return true;
        }

        @Override
        public PiecePriorities priorities() {
            return priorities;
        }

        @Override
        public boolean stopping() {
            return stopping.get();
        }
    };

    private synchronized void verify(int first, int last) {
        for (int p = first; p <= last; p++) {
            verified[p] = true;
        }
    }

    private URL start() throws IOException {
        server = new StreamServer(source, FILE_OFFSET, FILE_LENGTH, "film.mkv",
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        return new URL("http://127.0.0.1:" + server.port() + "/");
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static HttpURLConnection open(URL url, String method, String range) throws IOException {
        HttpURLConnection c = (HttpURLConnection) url.openConnection();
        c.setRequestMethod(method);
        c.setConnectTimeout(5000);
        c.setReadTimeout(20000);
        if (range != null) {
            c.setRequestProperty("Range", range);
        }
        return c;
    }

    private static byte[] body(HttpURLConnection c) throws IOException {
        try (InputStream in = c.getResponseCode() >= 400 ? c.getErrorStream() : c.getInputStream()) {
            return in == null ? new byte[0] : in.readAllBytes();
        }
    }

    private byte[] fileBytes(long first, long last) {
        return Arrays.copyOfRange(torrent, (int) (FILE_OFFSET + first), (int) (FILE_OFFSET + last + 1));
    }

    @Test
    void servesTheWholeFileAndRangesOfItWithTheRightHeaders() throws Exception {
        verify(0, PIECES - 1);
        URL url = start();
        HttpURLConnection whole = open(url, "GET", null);
        assertThat(whole.getResponseCode()).isEqualTo(200);
        assertThat(whole.getHeaderField("Accept-Ranges")).isEqualTo("bytes");
        assertThat(whole.getHeaderField("Content-Type")).isEqualTo("video/x-matroska");
        assertThat(body(whole)).isEqualTo(fileBytes(0, FILE_LENGTH - 1));

        HttpURLConnection part = open(url, "GET", "bytes=499990-");
        assertThat(part.getResponseCode()).isEqualTo(206);
        assertThat(part.getHeaderField("Content-Range")).isEqualTo("bytes 499990-499999/500000");
        assertThat(body(part)).isEqualTo(fileBytes(499_990, 499_999));

        HttpURLConnection head = open(url, "HEAD", "bytes=100-199");
        assertThat(head.getResponseCode()).isEqualTo(206);
        assertThat(head.getHeaderField("Content-Length")).isEqualTo("100");
        assertThat(head.getHeaderField("Content-Range")).isEqualTo("bytes 100-199/500000");

        HttpURLConnection outside = open(url, "GET", "bytes=500000-");
        assertThat(outside.getResponseCode()).isEqualTo(416);
        assertThat(outside.getHeaderField("Content-Range")).isEqualTo("bytes */500000");

        HttpURLConnection post = open(url, "POST", null);
        assertThat(post.getResponseCode()).isEqualTo(405);
        assertThat(unverifiedReads).hasValue(0);
    }

    @Test
    void aReadOfPiecesNotVerifiedYetAsksForThemFirstAndWaitsForThem() throws Exception {
        URL url = start();
        long first = 300_000;
        long last = 399_999;
        int firstPiece = (int) ((FILE_OFFSET + first) / PIECE);
        int lastPiece = (int) ((FILE_OFFSET + last) / PIECE);
        CompletableFuture<byte[]> got = CompletableFuture.supplyAsync(() -> {
            try {
                HttpURLConnection c = open(url, "GET", "bytes=" + first + "-" + last);
                assertThat(c.getResponseCode()).isEqualTo(206);
                return body(c);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        awaitWindowAt(firstPiece);
        assertThat(got).as("nothing is served before its piece is verified").isNotDone();
        assertThat(priorities.windows().get(0).last()).as("the window reaches ahead of the reader").isGreaterThan(firstPiece);
        for (int p = firstPiece; p <= lastPiece; p++) {
            verify(p, p);
            if (p < lastPiece) {
                awaitWindowAt(p + 1); // the window follows the reader
            }
        }
        assertThat(got.get(30, TimeUnit.SECONDS)).isEqualTo(fileBytes(first, last));
        awaitNoWindow();
        assertThat(unverifiedReads).hasValue(0);
    }

    @Test
    void aStoppingDownloadEndsTheWaitWith503() throws Exception {
        URL url = start();
        CompletableFuture<Integer> status = CompletableFuture.supplyAsync(() -> {
            try {
                return open(url, "GET", "bytes=0-10").getResponseCode();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        awaitWindowAt((int) (FILE_OFFSET / PIECE));
        stopping.set(true);
        assertThat(status.get(30, TimeUnit.SECONDS)).isEqualTo(503);
        awaitNoWindow();
    }

    private void awaitWindowAt(int piece) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (priorities.windows().stream().noneMatch(w -> w.first() == piece)) {
            assertThat(System.nanoTime() - deadline).as("a window starting at piece %d; have %s", piece,
                    priorities.windows()).isNegative();
            Thread.sleep(5);
        }
    }

    private void awaitNoWindow() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!priorities.isEmpty()) {
            assertThat(System.nanoTime() - deadline).as("windows left: %s", priorities.windows()).isNegative();
            Thread.sleep(5);
        }
    }
}
