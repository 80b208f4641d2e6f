package io.btget.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.btget.metainfo.Torrent;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 12, streaming: {@code btget stream} on a torrent seeded by aria2c serves the largest file over HTTP while it
 * downloads. A real HTTP client reads ranges out of order (the end, the middle, the start) and gets exactly the
 * source's bytes; the download is rate-limited so that the end arrives long before the download would reach it in
 * order, which only the read window (pieces at the read position first) explains.
 */
@Tag("interop")
@Timeout(240)
class StreamIT extends InteropTestBase {
    private static final int PIECE_LOG2 = 18; // 256 KiB pieces
    private static final long MOVIE = 24L << 20;

    private static byte[] get(URL url, String range, int expectStatus) throws IOException {
        HttpURLConnection c = (HttpURLConnection) url.openConnection();
        c.setConnectTimeout(5000);
        c.setReadTimeout(60_000);
        c.setRequestProperty("Range", range);
        assertThat(c.getResponseCode()).as("status for %s", range).isEqualTo(expectStatus);
        try (InputStream in = c.getInputStream()) {
            return in.readAllBytes();
        }
    }

    private static byte[] slice(byte[] all, long first, long lastInclusive) {
        return Arrays.copyOfRange(all, (int) first, (int) lastInclusive + 1);
    }

    @Test
    void servesRangesOutOfOrderWithTheSourcesBytesWhileDownloading() throws Exception {
        Path seedDir = newDir("seed");
        Path payload = seedDir.resolve("show");
        Payloads.randomFile(payload.resolve("a-notes.txt"), 3000, 1);
        Payloads.randomFile(payload.resolve("movie.mkv"), MOVIE, 2);
        Payloads.randomFile(payload.resolve("z-extra.bin"), 3L << 20, 3);
        Path torrent = Torrents.mktorrent(dir, payload, "show", PIECE_LOG2);
        Torrent t = Torrents.parse(torrent);
        int aria2Port = Ports.free();
        ManagedProcess aria2 = aria2Seed(torrent, seedDir, aria2Port);
        aria2.awaitOutput("listening on TCP port", Duration.ofSeconds(30));

        Path out = newDir("out");
        BtgetProcess btget = btget("btget", "stream", torrent.toString(), "-d", out.toString(), "--peer-port",
                Integer.toString(Ports.free()), "--peer", "127.0.0.1:" + aria2Port, "--no-dht", "--download-limit", "2M");
        Map<String, Object> stream = btget.awaitEvent(e -> "stream".equals(e.get("event")), Duration.ofSeconds(30),
                "the stream URL");
        assertThat(stream.get("path")).as("the largest file by default").isEqualTo("movie.mkv");
        URL url = new URL((String) stream.get("url"));
        byte[] movie = Files.readAllBytes(payload.resolve("movie.mkv"));

        long t0 = System.nanoTime();
        byte[] end = get(url, "bytes=-100000", 206);
        long endMillis = (System.nanoTime() - t0) / 1_000_000;
        assertThat(end).isEqualTo(slice(movie, MOVIE - 100_000, MOVIE - 1));
        int seen = btget.events().size();
        long pieces = BtgetProcess.number(btget.awaitEvent(e -> "progress".equals(e.get("event"))
                && btget.events().indexOf(e) >= seen, Duration.ofSeconds(10), "a progress line after the read"), "pieces");
        byte[] middle = get(url, "bytes=12000000-13999999", 206);
        assertThat(middle).isEqualTo(slice(movie, 12_000_000, 13_999_999));
        byte[] start = get(url, "bytes=0-65535", 206);
        assertThat(start).isEqualTo(slice(movie, 0, 65_535));
        System.out.printf("stream IT: end of the file after %d ms, with %d of %d pieces verified%n", endMillis, pieces,
                t.pieceCount());
        assertThat(pieces).as("the end came before the download reached it in order (2 MB/s over 24 MiB)%s",
                logsOf(btget, aria2)).isLessThan(MOVIE / (1L << PIECE_LOG2) / 2);

        byte[] whole = get(url, "bytes=0-", 206);
        assertThat(whole).as("the whole file").isEqualTo(movie);
        assertThat(Payloads.files(out, p -> !p.startsWith(".btget"))).as("only the streamed file in the user's tree")
                .containsExactly("show/movie.mkv");

        btget.process().signal("TERM");
        assertThat(btget.awaitExit(Duration.ofSeconds(30))).as("exit after a signal%s", logsOf(btget)).isNotZero();
        assertThat(btget.last().get("event")).isEqualTo("stopped");
        List<Map<String, Object>> errors = btget.events("error");
        assertThat(errors).as("no error while stopping").isEmpty();
    }

    @Test
    void downloadSequentialWritesPiecesNearlyInOrder() throws Exception {
        Path seedDir = newDir("seed");
        Path file = Payloads.randomFile(seedDir.resolve("film.mkv"), MOVIE, 4);
        Path torrent = Torrents.mktorrent(dir, file, "film.mkv", PIECE_LOG2);
        Torrent t = Torrents.parse(torrent);
        int aria2Port = Ports.free();
        ManagedProcess aria2 = aria2Seed(torrent, seedDir, aria2Port);
        aria2.awaitOutput("listening on TCP port", Duration.ofSeconds(30));
        Path out = newDir("out");
        BtgetProcess btget = btget("btget", "download", torrent.toString(), "--sequential", "-d", out.toString(), "-p",
                Integer.toString(Ports.free()), "--peer", "127.0.0.1:" + aria2Port, "--no-dht", "--download-limit", "2M");
        btget.awaitEvent(e -> "progress".equals(e.get("event")) && e.get("pieces") instanceof Double d && d >= 8,
                Duration.ofSeconds(60), "8 pieces verified");
        btget.process().signal("TERM");
        assertThat(btget.awaitExit(Duration.ofSeconds(30))).as("exit after a signal%s", logsOf(btget)).isNotZero();

        // Without --sequential the same run leaves pieces spread over the file, e.g. [15, 16, 24, 26, 30, ..., 95].
        byte[] source = Files.readAllBytes(file);
        byte[] got = Files.readAllBytes(out.resolve("film.mkv"));
        int pieceLength = t.pieceLength();
        List<Integer> onDisk = new java.util.ArrayList<>();
        for (int p = 0; p < t.pieceCount(); p++) {
            int from = p * pieceLength;
            int to = (int) Math.min(source.length, (long) from + pieceLength);
            if (to <= got.length && Arrays.equals(source, from, to, got, from, to)) {
                onDisk.add(p);
            }
        }
        int prefix = 0;
        while (onDisk.contains(prefix)) {
            prefix++;
        }
        // While aria2c chokes us, BEP 6 lets us fetch its allowed fast set (random pieces, 10 at most by its
        // default): those may lie anywhere. Everything else comes from the front of the file.
        int front = prefix;
        long elsewhere = onDisk.stream().filter(p -> p >= front + 8).count();
        assertThat(prefix).as("pieces on disk %s of %d: a run from the start", onDisk, t.pieceCount())
                .isGreaterThanOrEqualTo(6);
        assertThat(elsewhere).as("pieces on disk %s far from the front", onDisk).isLessThanOrEqualTo(10);
    }
}
