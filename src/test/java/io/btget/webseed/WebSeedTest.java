package io.btget.webseed;

import static org.assertj.core.api.Assertions.assertThat;

import io.btget.metainfo.Torrent;
import io.btget.metainfo.TorrentBuilder;
import io.btget.storage.FileLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A web seed against a real HTTP server on 127.0.0.1 ({@link TestHttpServer}), with a real picker and a small
 * stand-in for the session's completion (hash check, verified pieces). Times are shortened through
 * {@link WebSeedLimits}; no assertion is about speed.
 */
@Timeout(60)
class WebSeedTest {
    /** Short waits so failures show quickly; the same rules as {@link WebSeedLimits#DEFAULT}. */
    private static final WebSeedLimits FAST = new WebSeedLimits(Duration.ofSeconds(2), Duration.ofSeconds(2), 4096,
            Duration.ofMillis(300), Duration.ofSeconds(5), Duration.ofMillis(10), Duration.ofMillis(40), 3, 1 << 20);

    @TempDir
    Path dir;

    private Torrent torrent;
    private byte[] all;

    /** Three files (names that need percent-encoding) of 32 KiB pieces, served from {@code dir/srv}. */
    private Path multiFile() throws Exception {
        Path data = dir.resolve("srv").resolve("my data");
        Files.createDirectories(data.resolve("sub dir"));
        Random r = new Random(7);
        byte[] a = new byte[100_000];
        byte[] b = new byte[70_001];
        byte[] c = new byte[200_000];
        r.nextBytes(a);
        r.nextBytes(b);
        r.nextBytes(c);
        Files.write(data.resolve("a #1.bin"), a);
        Files.write(data.resolve("sub dir").resolve("b%ü.bin"), b);
        Files.write(data.resolve("z.bin"), c);
        all = new byte[a.length + b.length + c.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        System.arraycopy(c, 0, all, a.length + b.length, c.length);
        return data;
    }

    private Torrent build(Path data, String seedUrl) throws Exception {
        return new TorrentBuilder(data).pieceLength(Optional.of(32 << 10)).webSeeds(List.of(seedUrl))
                .build((done, total) -> { }).torrent();
    }

    @Test
    void downloadsAMultiFileTorrentFromAServerThatHonoursRange() throws Exception {
        Path data = multiFile();
        try (TestHttpServer server = new TestHttpServer(dir.resolve("srv"), TestHttpServer.Mode.RANGE)) {
            torrent = build(data, server.url());
            ReducedHost host = run(WebSeedLimits.DEFAULT);
            assertThat(host.result()).isEqualTo(all);
            assertThat(host.events).isEmpty();
            // Contiguous runs of pieces: about one request per file and run of 1 MiB, not one per piece (12).
            assertThat(server.requests()).isLessThanOrEqualTo(4);
        }
    }

    @Test
    void readsAServerThatIgnoresRangeThroughAboutOnce() throws Exception {
        Path data = multiFile();
        try (TestHttpServer server = new TestHttpServer(dir.resolve("srv"), TestHttpServer.Mode.IGNORE_RANGE)) {
            torrent = build(data, server.url());
            ReducedHost host = run(FAST);
            assertThat(host.result()).isEqualTo(all);
            assertThat(server.bytesServed()).isLessThan(2L * all.length);
        }
    }

    @Test
    void singleFileUrlEndingInSlashGetsTheNameAppended() throws Exception {
        Path file = dir.resolve("srv").resolve("one file.bin");
        Files.createDirectories(file.getParent());
        all = new byte[150_000];
        new Random(3).nextBytes(all);
        Files.write(file, all);
        try (TestHttpServer server = new TestHttpServer(dir.resolve("srv"), TestHttpServer.Mode.RANGE)) {
            torrent = build(file, server.url());
            assertThat(run(FAST).result()).isEqualTo(all);
        }
    }

    @Test
    void followsRedirects() throws Exception {
        Path data = multiFile();
        try (TestHttpServer server = new TestHttpServer(dir.resolve("srv"), TestHttpServer.Mode.REDIRECT)) {
            torrent = build(data, server.url());
            assertThat(run(FAST).result()).isEqualTo(all);
        }
    }

    @Test
    void aTricklingWebSeedDoesNotHoldThePiecesItTookAnHonestOneDuplicatesThemInEndgame() throws Exception {
        Path data = multiFile();
        try (TestHttpServer slow = new TestHttpServer(dir.resolve("srv"), TestHttpServer.Mode.TRICKLE);
                TestHttpServer good = new TestHttpServer(dir.resolve("srv"), TestHttpServer.Mode.RANGE)) {
            Torrent t = new TorrentBuilder(data).pieceLength(Optional.of(32 << 10))
                    .webSeeds(List.of(slow.url(), good.url())).build((done, total) -> { }).torrent();
            // The honest one's first request is refused (503, retried after the default 1 s back-off): the trickling
            // one then surely takes pieces first (without it, the honest one sometimes fetched all before it started).
            good.busy(1, 503, null);
            ReducedHost host = new ReducedHost(t);
            // The default limits: the trickle is judged too slow only after 20 s of reading, but each block must come
            // within 5 s, so the pieces it took go back to the honest web seed long before.
            try (WebSeeds seeds = new WebSeeds(t, new FileLayout(t), host, WebSeedLimits.DEFAULT)) {
                seeds.start();
                while (!host.isComplete()) {
                    Thread.sleep(20);
                }
            }
            assertThat(host.result()).isEqualTo(all);
            assertThat(slow.requests()).isPositive(); // it did take pieces, and gave them back:
            assertThat(host.events).anyMatch(e -> e.startsWith("webseed_error: web seed " + slow.url() + ": no block within"));
        }
    }

    @Test
    void notFoundIsRetriedWithBackOffThenGivenUp() throws Exception {
        assertGivenUp(TestHttpServer.Mode.NOT_FOUND, "HTTP 404");
    }

    @Test
    void aTrickleIsCutOffAsTooSlow() throws Exception {
        assertGivenUp(TestHttpServer.Mode.TRICKLE, "too slow");
    }

    @Test
    void aHugeContentLengthIsRefusedNotAllocated() throws Exception {
        assertGivenUp(TestHttpServer.Mode.HUGE_LENGTH, "1099511627776 bytes on the server");
    }

    @Test
    void aContentRangeOtherThanTheOneAskedForIsRefused() throws Exception {
        assertGivenUp(TestHttpServer.Mode.WRONG_RANGE, "got Content-Range bytes 1-");
    }

    @Test
    void redirectsAreBounded() throws Exception {
        assertGivenUp(TestHttpServer.Mode.REDIRECT_LOOP, "more than 5 redirects");
    }

    @Test
    void dataThatFailsTheHashIsChargedAndTheWebSeedBanned() throws Exception {
        Path data = multiFile();
        try (TestHttpServer server = new TestHttpServer(dir.resolve("srv"), TestHttpServer.Mode.CORRUPT)) {
            torrent = build(data, server.url());
            ReducedHost host = new ReducedHost(torrent);
            try (WebSeeds seeds = new WebSeeds(torrent, new FileLayout(torrent), host, FAST)) {
                seeds.start();
                awaitEvent(host, "webseed_banned");
                assertThat(host.verified.cardinality()).isZero();
                awaitEnd(seeds);
                // It is out of the picker: its pieces are free for others.
                assertThat(host.picker.peerCount()).isZero();
                assertThat(host.picker.piecesInFlight()).isZero();
            }
        }
    }

    @Test
    void aFileMissingForAWhileIsRetriedAndThenFetched() throws Exception {
        Path data = multiFile();
        try (TestHttpServer server = new TestHttpServer(dir.resolve("srv"), TestHttpServer.Mode.RANGE)) {
            server.missing("z.bin", WebSeedLimits.MAX_NOT_FOUND - 1); // a mirror still syncing
            torrent = build(data, server.url());
            ReducedHost host = run(FAST);
            assertThat(host.result()).isEqualTo(all);
            assertThat(server.missingServed()).isEqualTo(WebSeedLimits.MAX_NOT_FOUND - 1);
        }
    }

    @Test
    void aFileThatStaysMissingIsGivenUpOnThatWebSeedAloneTheOtherFilesStillCome() throws Exception {
        Path data = multiFile();
        // Many failures in a row allowed, so only the per-file rule can stop the 404s.
        WebSeedLimits patient = new WebSeedLimits(Duration.ofSeconds(2), Duration.ofSeconds(2), 4096,
                Duration.ofMillis(300), Duration.ofSeconds(5), Duration.ofMillis(10), Duration.ofMillis(40), 50, 1 << 20);
        try (TestHttpServer server = new TestHttpServer(dir.resolve("srv"), TestHttpServer.Mode.RANGE)) {
            server.missing("z.bin", Integer.MAX_VALUE);
            torrent = build(data, server.url());
            ReducedHost host = new ReducedHost(torrent);
            try (WebSeeds seeds = new WebSeeds(torrent, new FileLayout(torrent), host, patient)) {
                seeds.start();
                String line = awaitEvent(host, "webseed_file_missing");
                assertThat(line).contains("given up for z.bin after " + WebSeedLimits.MAX_NOT_FOUND + " tries")
                        .contains("HTTP 404");
                // z.bin starts at byte 170001, in piece 5: pieces 0-4 are a.bin and b.bin alone.
                int zFirst = (int) (torrent.files().get(2).offset() / torrent.pieceLength());
                while (host.verified.cardinality() < zFirst) {
                    Thread.sleep(20);
                }
                for (int p = 0; p < torrent.pieceCount(); p++) {
                    assertThat(host.verified.get(p)).as("piece %d", p).isEqualTo(p < zFirst);
                }
                assertThat(server.missingServed()).isEqualTo(WebSeedLimits.MAX_NOT_FOUND);
                assertThat(host.events).noneMatch(e -> e.startsWith("webseed_failed"));
                assertThat(seeds.activeCount()).isEqualTo(1); // still a source for the other files
                assertThat(host.picker.piecesInFlight()).isZero();
            }
        }
    }

    @Test
    void retryAfterInSecondsOnA503IsHonoured() throws Exception {
        Path data = multiFile();
        try (TestHttpServer server = new TestHttpServer(dir.resolve("srv"), TestHttpServer.Mode.RANGE)) {
            server.busy(1, 503, "1");
            torrent = build(data, server.url());
            ReducedHost host = run(FAST); // its own back-off is 10 ms
            assertThat(host.result()).isEqualTo(all);
            List<Long> times = server.requestTimes();
            assertThat((times.get(1) - times.get(0)) / 1_000_000).isGreaterThanOrEqualTo(900);
            assertHonoured(host, 503);
        }
    }

    @Test
    void retryAfterAsAnHttpDateOnA429IsHonoured() throws Exception {
        Path data = multiFile();
        try (TestHttpServer server = new TestHttpServer(dir.resolve("srv"), TestHttpServer.Mode.RANGE)) {
            torrent = build(data, server.url());
            // The date is made after the files are written and hashed, and the wait is judged against it, not as a fixed
            // gap: made before them, 2 s ahead in whole seconds (so 1-2 s), it came less than 900 ms after the first
            // request whenever a loaded machine spent over 0.1-1 s writing and hashing (issue 13 flake).
            Instant at = Instant.now().plusSeconds(3).truncatedTo(ChronoUnit.SECONDS); // 2-3 s ahead
            server.busy(1, 429, DateTimeFormatter.RFC_1123_DATE_TIME.format(at.atZone(ZoneOffset.UTC)));
            ReducedHost host = run(FAST); // its own back-off is 10 ms
            assertThat(host.result()).isEqualTo(all);
            List<Long> times = server.requestTimes();
            assertThat(times.get(0)).as("the first request came before the date (else there was nothing to wait)")
                    .isLessThan(nanoTimeAt(at));
            // Wall clock to nanoTime: the conversion is exact to well under a millisecond; 5 ms of slack for it.
            assertThat(times.get(1)).as("the second request waited for the date")
                    .isGreaterThanOrEqualTo(nanoTimeAt(at) - 5_000_000L);
            assertHonoured(host, 429);
        }
    }

    /** The {@link System#nanoTime} value of the wall-clock instant {@code at}. */
    private static long nanoTimeAt(Instant at) {
        long nowNanos = System.nanoTime();
        return nowNanos + Duration.between(Instant.now(), at).toNanos();
    }

    private static void assertHonoured(ReducedHost host, int code) {
        assertThat(host.events).anyMatch(e -> e.startsWith("webseed_error") && e.contains("HTTP " + code)
                && e.contains("as the server asked"));
    }

    @Test
    void downloadsOverHttpsFromAServerWhoseCertificateIsTrusted() throws Exception {
        Path data = multiFile();
        TestTls tls = TestTls.make(dir);
        javax.net.ssl.SSLSocketFactory before = javax.net.ssl.HttpsURLConnection.getDefaultSSLSocketFactory();
        try (TestHttpServer server = new TestHttpServer(dir.resolve("srv"), TestHttpServer.Mode.RANGE, tls.server)) {
            assertThat(server.url()).startsWith("https://127.0.0.1:");
            torrent = build(data, server.url());
            javax.net.ssl.HttpsURLConnection.setDefaultSSLSocketFactory(tls.client.getSocketFactory());
            assertThat(run(WebSeedLimits.DEFAULT).result()).isEqualTo(all);
        } finally {
            javax.net.ssl.HttpsURLConnection.setDefaultSSLSocketFactory(before);
        }
    }

    @Test
    void anHttpsServerWithAnUntrustedCertificateIsRefused() throws Exception {
        Path data = multiFile();
        TestTls tls = TestTls.make(dir);
        try (TestHttpServer server = new TestHttpServer(dir.resolve("srv"), TestHttpServer.Mode.RANGE, tls.server)) {
            torrent = build(data, server.url());
            ReducedHost host = new ReducedHost(torrent);
            try (WebSeeds seeds = new WebSeeds(torrent, new FileLayout(torrent), host, FAST)) {
                seeds.start();
                assertThat(awaitEvent(host, "webseed_failed")).contains("SSLHandshakeException");
                assertThat(host.verified.cardinality()).isZero();
                assertThat(server.bytesServed()).isZero();
            }
        }
    }

    private void assertGivenUp(TestHttpServer.Mode mode, String reason) throws Exception {
        Path data = multiFile();
        try (TestHttpServer server = new TestHttpServer(dir.resolve("srv"), mode)) {
            torrent = build(data, server.url());
            ReducedHost host = new ReducedHost(torrent);
            try (WebSeeds seeds = new WebSeeds(torrent, new FileLayout(torrent), host, FAST)) {
                seeds.start();
                String line = awaitEvent(host, "webseed_failed");
                assertThat(line).contains("given up after 3 failures").contains(reason);
                assertThat(host.events.stream().filter(e -> e.startsWith("webseed_error")).count()).isEqualTo(2);
                awaitEnd(seeds);
                assertThat(host.picker.peerCount()).isZero();
                assertThat(host.picker.piecesInFlight()).isZero();
                assertThat(seeds.anyUsable()).isFalse();
            }
        }
    }

    private ReducedHost run(WebSeedLimits limits) throws Exception {
        ReducedHost host = new ReducedHost(torrent);
        try (WebSeeds seeds = new WebSeeds(torrent, new FileLayout(torrent), host, limits)) {
            seeds.start();
            while (!host.isComplete()) {
                assertThat(host.events).noneMatch(e -> e.startsWith("webseed_failed") || e.startsWith("webseed_banned"));
                Thread.sleep(20);
            }
        }
        return host;
    }

    private static String awaitEvent(ReducedHost host, String type) throws InterruptedException {
        while (true) {
            for (String e : host.events) {
                if (e.startsWith(type + ": ")) {
                    return e;
                }
            }
            Thread.sleep(20);
        }
    }

    private static void awaitEnd(WebSeeds seeds) throws InterruptedException {
        while (seeds.activeCount() > 0) {
            Thread.sleep(20);
        }
    }
}
