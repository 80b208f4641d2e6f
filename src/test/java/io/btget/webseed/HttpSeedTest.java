package io.btget.webseed;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.btget.bencode.BDict;
import io.btget.bencode.BList;
import io.btget.bencode.BString;
import io.btget.bencode.BValue;
import io.btget.bencode.Bencode;
import io.btget.metainfo.Torrent;
import io.btget.metainfo.TorrentBuilder;
import io.btget.storage.FileLayout;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * BEP 17 http seeds against a tiny handler that speaks BEP 17 on 127.0.0.1: {@code GET
 * /seed?info_hash=..&piece=N&ranges=a-b,...} answered with the bytes of those ranges of piece N, 404 for another info
 * hash, and 503 with the seconds to wait in the body while it is "busy".
 */
@Timeout(60)
class HttpSeedTest {
    private static final WebSeedLimits FAST = new WebSeedLimits(Duration.ofSeconds(2), Duration.ofSeconds(2), 4096,
            Duration.ofMillis(300), Duration.ofSeconds(5), Duration.ofMillis(10), Duration.ofMillis(40), 3, 1 << 20);

    @TempDir
    Path dir;

    private byte[] all;
    private Torrent torrent;
    private HttpServer server;
    private final AtomicInteger busy = new AtomicInteger();
    private final List<String> queries = new CopyOnWriteArrayList<>();
    private final List<Long> times = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    /** Two files of 32 KiB pieces, and a torrent naming {@code httpseeds} (built as a .torrent file, then parsed). */
    private void torrentWithHttpSeed(String path) throws Exception {
        Path data = dir.resolve("d");
        Files.createDirectories(data);
        Random r = new Random(11);
        byte[] a = new byte[90_000];
        byte[] b = new byte[61_234];
        r.nextBytes(a);
        r.nextBytes(b);
        Files.write(data.resolve("a"), a);
        Files.write(data.resolve("b"), b);
        all = new byte[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.setExecutor(Executors.newCachedThreadPool(t -> {
            Thread th = new Thread(t, "bep17");
            th.setDaemon(true);
            return th;
        }));
        server.createContext("/", this::handle);
        server.start();
        byte[] file = new TorrentBuilder(data).pieceLength(Optional.of(32 << 10)).build((d, n) -> { }).torrentFile();
        Map<String, BValue> top = new LinkedHashMap<>(((BDict) Bencode.decode(file)).entries());
        String url = "http://127.0.0.1:" + server.getAddress().getPort() + path;
        top.put("httpseeds", new BList(List.of(BString.of(url), BString.of("ftp://nowhere/x"))));
        torrent = Torrent.parse(Bencode.encode(new BDict(new java.util.TreeMap<>(top))));
    }

    private void handle(HttpExchange ex) throws java.io.IOException {
        try (ex) {
            times.add(System.nanoTime());
            String raw = ex.getRequestURI().getRawQuery();
            queries.add(raw);
            if (busy.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                byte[] body = "1".getBytes();
                ex.sendResponseHeaders(503, body.length);
                ex.getResponseBody().write(body);
                return;
            }
            Map<String, byte[]> q = new HashMap<>();
            for (String kv : raw.split("&")) {
                int eq = kv.indexOf('=');
                q.put(kv.substring(0, eq), percentDecode(kv.substring(eq + 1)));
            }
            if (!Arrays.equals(q.get("info_hash"), torrent.infoHash().bytes())) {
                ex.sendResponseHeaders(404, -1);
                return;
            }
            int piece = Integer.parseInt(new String(q.get("piece")));
            long start = (long) piece * torrent.pieceLength();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            String ranges = q.containsKey("ranges") ? new String(q.get("ranges")) : "0-" + (torrent.pieceSize(piece) - 1);
            for (String range : ranges.split(",")) {
                String[] ab = range.split("-");
                int from = Integer.parseInt(ab[0]);
                int to = Integer.parseInt(ab[1]); // inclusive
                out.write(all, (int) start + from, to - from + 1);
            }
            ex.sendResponseHeaders(200, out.size());
            ex.getResponseBody().write(out.toByteArray());
        }
    }

    private static byte[] percentDecode(String s) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%') {
                out.write(Integer.parseInt(s.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                out.write(c);
            }
        }
        return out.toByteArray();
    }

    @Test
    void theParserKeepsHttpAndHttpsHttpSeedsAndSaysWhyOthersAreIgnored() throws Exception {
        torrentWithHttpSeed("/seed");
        assertThat(torrent.httpSeeds()).hasSize(1);
        assertThat(torrent.httpSeeds().get(0)).endsWith("/seed");
        assertThat(torrent.webSeeds()).isEmpty();
        assertThat(torrent.hasWebSeeds()).isTrue();
        assertThat(torrent.warnings()).anyMatch(w -> w.startsWith("httpseeds[1]") && w.contains("ftp://nowhere/x"));
    }

    @Test
    void downloadsEveryPieceFromABep17HttpSeedAlone() throws Exception {
        torrentWithHttpSeed("/seed.php?user=me");
        ReducedHost host = run(FAST);
        assertThat(host.disk).isEqualTo(all);
        assertThat(queries).allMatch(q -> q.startsWith("user=me&info_hash=%") && q.contains("&piece=")
                && q.contains("&ranges="));
        assertThat(queries).hasSize(torrent.pieceCount()); // one request per piece, whole
    }

    @Test
    void aBusyHttpSeedsSecondsInThe503BodyAreWaited() throws Exception {
        torrentWithHttpSeed("/seed");
        busy.set(1);
        ReducedHost host = run(FAST); // its own back-off is 10 ms
        assertThat(host.disk).isEqualTo(all);
        assertThat((times.get(1) - times.get(0)) / 1_000_000).isGreaterThanOrEqualTo(900);
        assertThat(host.events).anyMatch(e -> e.startsWith("webseed_error: http seed ") && e.contains("HTTP 503")
                && e.contains("as the server asked"));
    }

    @Test
    void anHttpSeedForAnotherTorrentIsGivenUp() throws Exception {
        torrentWithHttpSeed("/seed");
        Torrent other = new TorrentBuilder(dir.resolve("d").resolve("a")).pieceLength(Optional.of(32 << 10))
                .build((d, n) -> { }).torrent();
        // the same URL, asked with another info hash: the handler answers 404
        Torrent wrong = new Torrent(other.name(), other.infoHash(), other.infoHashV2(), other.pieceLength(),
                other.pieceHashes(), other.files(), other.multiFile(), List.of(), List.of(), false, Optional.empty(),
                Optional.empty(), Optional.empty(), other.infoBytes(), List.of(), torrent.httpSeeds());
        ReducedHost host = new ReducedHost(wrong);
        try (WebSeeds seeds = new WebSeeds(wrong, new FileLayout(wrong), host, FAST)) {
            seeds.start();
            while (host.events.stream().noneMatch(e -> e.startsWith("webseed_failed"))) {
                Thread.sleep(20);
            }
        }
        assertThat(host.events).anyMatch(e -> e.startsWith("webseed_failed: http seed ") && e.contains("HTTP 404")
                && e.contains("piece 0"));
    }

    private ReducedHost run(WebSeedLimits limits) throws Exception {
        ReducedHost host = new ReducedHost(torrent);
        try (WebSeeds seeds = new WebSeeds(torrent, new FileLayout(torrent), host, limits)) {
            seeds.start();
            while (!host.isComplete()) {
                assertThat(host.events).noneMatch(e -> e.startsWith("webseed_failed: http")
                        || e.startsWith("webseed_banned"));
                Thread.sleep(20);
            }
        }
        return host;
    }
}
