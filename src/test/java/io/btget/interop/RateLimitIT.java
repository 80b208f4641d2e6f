package io.btget.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 4: {@code --upload-limit} and {@code --download-limit} hold the rate over about ten seconds, measured
 * between the leecher's first verified bytes and its completion (start-up and connecting left out).
 */
@Tag("interop")
@Timeout(90)
class RateLimitIT extends InteropTestBase {
    private static final long SIZE = 5L << 20;
    private static final long LIMIT = 512 * 1024;

    private Path torrent;
    private Path seedDir;

    private void makeTorrent() throws Exception {
        seedDir = newDir("seed");
        Path payload = Payloads.randomFile(seedDir.resolve("rate.bin"), SIZE, 21);
        torrent = dir.resolve("rate.torrent");
        assertThat(BtgetProcess.run(logs(), dir, Duration.ofSeconds(60), "create", payload.toString(), "-t",
                "http://127.0.0.1:9/announce", "-o", torrent.toString(), "--piece-size", "64K")).isZero();
    }

    /** Bytes per second from the first progress event with data to the final summary. */
    private static double measuredRate(BtgetProcess leecher) {
        List<Map<String, Object>> progress = leecher.events("progress");
        Map<String, Object> first = progress.stream()
                .filter(e -> BtgetProcess.number(e, "verifiedBytes") > 0).findFirst().orElseThrow();
        Map<String, Object> last = leecher.last();
        double seconds = ((Number) last.get("time")).doubleValue() - ((Number) first.get("time")).doubleValue();
        return (BtgetProcess.number(last, "verifiedBytes") - BtgetProcess.number(first, "verifiedBytes")) / seconds;
    }

    /** Starts a seeder with the given extra flags; returns its port once it seeds. */
    private int startSeeder(String... extraFlags) throws Exception {
        int seedPort = Ports.free();
        List<String> seedArgs = new java.util.ArrayList<>(List.of("seed", torrent.toString(), "-d", seedDir.toString(),
                "-p", Integer.toString(seedPort)));
        seedArgs.addAll(List.of(extraFlags));
        BtgetProcess seeder = btget("btget-seed", seedArgs.toArray(String[]::new));
        seeder.awaitEvent(e -> "progress".equals(e.get("event")) && "seeding".equals(e.get("phase")),
                Duration.ofSeconds(30), "seeding");
        return seedPort;
    }

    @Test
    void uploadLimitHoldsTheRateWithinFivePercent() throws Exception {
        makeTorrent();
        int seedPort = startSeeder("--upload-limit", "512K");
        BtgetProcess leecher = btget("btget-get", "download", torrent.toString(), "-d", newDir("out").toString(),
                "-p", Integer.toString(Ports.free()), "--peer", "127.0.0.1:" + seedPort);
        assertThat(leecher.awaitExit(Duration.ofSeconds(60))).as("exit code%s", logsOf(leecher)).isZero();
        double rate = measuredRate(leecher);
        System.out.printf("RateLimitIT: %.0f B/s for a limit of %d B/s (%.2f%%)%n", rate, LIMIT, 100 * (rate - LIMIT) / LIMIT);
        assertThat(rate).isCloseTo(LIMIT, within(LIMIT * 0.05));
    }

    @Test
    void downloadLimitHoldsTheRateWithinFivePercent() throws Exception {
        makeTorrent();
        int seedPort = startSeeder();
        BtgetProcess leecher = btget("btget-get", "download", torrent.toString(), "-d", newDir("out").toString(),
                "-p", Integer.toString(Ports.free()), "--peer", "127.0.0.1:" + seedPort, "--download-limit", "512K");
        assertThat(leecher.awaitExit(Duration.ofSeconds(60))).as("exit code%s", logsOf(leecher)).isZero();
        double rate = measuredRate(leecher);
        System.out.printf("RateLimitIT: %.0f B/s for a limit of %d B/s (%.2f%%)%n", rate, LIMIT, 100 * (rate - LIMIT) / LIMIT);
        assertThat(rate).isCloseTo(LIMIT, within(LIMIT * 0.05));
    }
}
