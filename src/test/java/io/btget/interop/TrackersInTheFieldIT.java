package io.btget.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * btget against trackers as they run in the field (issue 8): opentracker counts each btget download as completed
 * (the completed announce is not cut off at exit) and drops the leecher (stopped arrives); and opentracker behind
 * nginx, with gzip on, a redirect in front and requests carrying an Upgrade header refused with 400, as the npm
 * bittorrent-tracker does.
 */
@Tag("interop")
@Timeout(180)
class TrackersInTheFieldIT extends InteropTestBase {

    private Path btgetCreate(Path source, String announce, String name) throws Exception {
        Path torrent = dir.resolve(name + ".torrent");
        int code = BtgetProcess.run(logs(), dir, Duration.ofSeconds(60), "create", source.toString(), "-t", announce,
                "-o", torrent.toString(), "--piece-size", "32K");
        assertThat(code).as("btget create exit code").isZero();
        return torrent;
    }

    private BtgetProcess seed(Path torrent, Path seedDir) throws Exception {
        BtgetProcess seeder = btget("btget-seed", "seed", torrent.toString(), "-d", seedDir.toString(),
                "-p", Integer.toString(Ports.free()));
        seeder.awaitEvent(e -> "progress".equals(e.get("event")) && "seeding".equals(e.get("phase")),
                Duration.ofSeconds(30), "seeding");
        return seeder;
    }

    /** Downloads {@code torrent} without seeding and checks the data; returns the finished process. */
    private BtgetProcess download(Path torrent, Path payload, String name, Object... others) throws Exception {
        Path out = newDir(name);
        BtgetProcess leecher = btget(name, "download", torrent.toString(), "-d", out.toString(),
                "-p", Integer.toString(Ports.free()), "--stall-timeout", "40s");
        int code = leecher.awaitExit(Duration.ofSeconds(90));
        Object[] all = new Object[others.length + 1];
        all[0] = leecher;
        System.arraycopy(others, 0, all, 1, others.length);
        assertThat(code).as("leecher exit code%s", logsOf(all)).isZero();
        Payloads.assertSameTree(payload, out.resolve(payload.getFileName().toString()));
        return leecher;
    }

    private void opentrackerCountsEachCompletedDownload(boolean udp) throws Exception {
        Opentracker tracker = opentracker();
        Path seedDir = newDir("seed");
        Path payload = Payloads.randomFile(seedDir.resolve("counted.bin"), 700_000, 81);
        Path torrent = btgetCreate(payload, udp ? tracker.udpAnnounce() : tracker.httpAnnounce(), "counted");
        String hash = Torrents.infoHashHex(torrent);
        tracker.allow(hash);
        BtgetProcess seeder = seed(torrent, seedDir);
        tracker.awaitSeeders(hash, 1, Duration.ofSeconds(30));
        download(torrent, payload, "first", seeder);
        download(torrent, payload, "second", seeder);
        // both downloads ended right after completing: each completed announce was answered before the exit, and
        // each leecher's stopped took it off the swarm (only the seeder is left)
        assertThat(tracker.completedCount(hash)).as("completed count" + logsOf(seeder)).isEqualTo(2);
        assertThat(tracker.leechers(hash)).isZero();
        assertThat(tracker.seeders(hash)).isEqualTo(1);
    }

    @Test
    void opentrackerCountsEachCompletedDownloadOverHttp() throws Exception {
        opentrackerCountsEachCompletedDownload(false);
    }

    @Test
    void opentrackerCountsEachCompletedDownloadOverUdp() throws Exception {
        opentrackerCountsEachCompletedDownload(true);
    }

    @Test
    void downloadsThroughOpentrackerBehindNginxWithGzipARedirectAndNoUpgrades() throws Exception {
        Nginx.require();
        Opentracker tracker = opentracker();
        Nginx nginx = track(Nginx.start(dir, logs(), String.join("\n",
                "    gzip on; gzip_types *; gzip_min_length 0; gzip_proxied any;",
                // a server that refuses protocol upgrades, as node's http server behind the npm tracker does
                "    if ($http_upgrade) { return 400; }",
                "    location = /announce { return 302 /tracker/announce$is_args$args; }",
                "    location /tracker/ { proxy_pass http://127.0.0.1:" + tracker.port() + "/; }")));
        Path seedDir = newDir("seed");
        Path payload = Payloads.randomFile(seedDir.resolve("proxied.bin"), 600_000, 82);
        Path torrent = btgetCreate(payload, nginx.url("/announce"), "proxied");
        String hash = Torrents.infoHashHex(torrent);
        tracker.allow(hash);
        BtgetProcess seeder = seed(torrent, seedDir);
        tracker.awaitSeeders(hash, 1, Duration.ofSeconds(30));
        download(torrent, payload, "leecher", seeder, nginx.process());
        String log = nginx.accessLog();
        assertThat(log).as("nginx access log").contains("302 GET /announce")
                .contains("200 GET /tracker/announce enc=\"gzip\"").doesNotContain("upgrade=\"h2c\"")
                .doesNotContain("400 GET");
        assertThat(tracker.completedCount(hash)).isEqualTo(1);
    }
}
