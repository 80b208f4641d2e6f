package io.btget.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 12: several torrents in one btget process. One btget seeds three torrents on one port (incoming peers routed
 * by info hash); another downloads them all in one process, with a bad input among them.
 */
@Tag("interop")
@Timeout(240)
class MultiTorrentIT extends InteropTestBase {

    /** Three torrents (two single files, one folder) announcing to a btget tracker, and a btget seeding all three. */
    private record Swarm(BtgetTracker tracker, Path seedDir, List<Path> torrents, List<String> names,
            List<String> hashes, BtgetProcess seeder, int seederPort) {
    }

    private Swarm swarm(long size, String... seederExtra) throws Exception {
        BtgetTracker tracker = track(BtgetTracker.start(logs(), dir));
        Path seedDir = newDir("seed");
        Payloads.randomFile(seedDir.resolve("alpha.bin"), size, 1);
        Payloads.randomFile(seedDir.resolve("beta.bin"), size * 2 / 3, 2);
        Payloads.tree(seedDir.resolve("gamma"), 3);
        List<String> names = List.of("alpha.bin", "beta.bin", "gamma");
        List<Path> torrents = new ArrayList<>();
        List<String> hashes = new ArrayList<>();
        for (String n : names) {
            Path t = dir.resolve(n + ".torrent");
            assertThat(BtgetProcess.run(logs(), dir, Duration.ofSeconds(60), "create", seedDir.resolve(n).toString(),
                    "-t", tracker.httpAnnounce(), "-o", t.toString(), "--piece-size", "64K")).isZero();
            torrents.add(t);
            hashes.add(Torrents.infoHashHex(t));
        }
        int port = Ports.free();
        List<String> args = new ArrayList<>(List.of("seed"));
        torrents.forEach(t -> args.add(t.toString()));
        args.addAll(List.of("-d", seedDir.toString(), "-p", Integer.toString(port)));
        args.addAll(List.of(seederExtra));
        BtgetProcess seeder = btget("btget-seed-all", args.toArray(String[]::new));
        for (String h : hashes) {
            seeder.awaitEvent(e -> "progress".equals(e.get("event")) && "seeding".equals(e.get("phase"))
                    && h.equals(e.get("infoHash")), Duration.ofSeconds(60), "seeding " + h);
        }
        return new Swarm(tracker, seedDir, torrents, names, hashes, seeder, port);
    }

    private BtgetProcess downloadAll(String name, Path out, List<Path> inputs, String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("download"));
        inputs.forEach(t -> args.add(t.toString()));
        args.addAll(List.of("-d", out.toString(), "-p", "0", "--stall-timeout", "60s"));
        args.addAll(List.of(extra));
        return btget(name, args.toArray(String[]::new));
    }

    private static Object of(Map<String, Object> e, String key) {
        return e.get(key);
    }

    @Test
    void oneProcessDownloadsThreeTorrentsOnOnePortAndABadInputFailsAlone() throws Exception {
        Swarm s = swarm(1024 * 1024);
        Path bad = Files.writeString(dir.resolve("bad.torrent"), "not bencode at all");
        Path out = newDir("out");
        List<Path> inputs = List.of(s.torrents().get(0), bad, s.torrents().get(1), s.torrents().get(2));
        // --seed-time: each torrent seeds for 2 s after completing; the process ends when all are done
        BtgetProcess dl = downloadAll("btget-multi", out, inputs, "--seed-time", "2s");
        int code = dl.awaitExit(Duration.ofSeconds(120));
        assertThat(code).as("exit code: the worst, a bad torrent (3)%s", logsOf(dl, s.seeder())).isEqualTo(3);
        for (String n : s.names()) {
            Payloads.assertSameTree(s.seedDir().resolve(n), out.resolve(n));
        }
        List<Map<String, Object>> events = dl.events();
        Set<Object> ports = new HashSet<>();
        for (Map<String, Object> e : dl.events("listening")) {
            ports.add(e.get("port"));
        }
        assertThat(ports).as("listen ports over all torrents (one client)").hasSize(1);
        assertThat(dl.events("listening")).extracting(e -> of(e, "infoHash")).containsExactlyInAnyOrderElementsOf(s.hashes());
        for (String h : s.hashes()) {
            assertThat(dl.events("complete")).as("complete events").anyMatch(e -> h.equals(e.get("infoHash")));
            // timed from the download phase's start to download_complete, not from the first once-a-second tick
            // (a 1 MiB download that ended before it reported 0 ms and a rate of gigabytes a second)
            assertThat(dl.events("complete")).as("%s: its download time", h).anyMatch(e -> h.equals(e.get("infoHash"))
                    && BtgetProcess.number(e, "downloadMs") > 0 && BtgetProcess.number(e, "meanRate") < 2e9);
            assertThat(dl.events("progress")).as("%s seeded after completing", h)
                    .anyMatch(e -> h.equals(e.get("infoHash")) && "seeding".equals(e.get("phase")));
        }
        for (Map<String, Object> e : events) {
            if (!"all_done".equals(e.get("event")) && !"error".equals(e.get("event"))) {
                assertThat(e).as("every torrent's event names its torrent").containsKey("infoHash");
            }
        }
        Map<String, Object> err = dl.firstEvent("error").orElseThrow();
        assertThat(err.get("input")).isEqualTo(bad.toString());
        assertThat(BtgetProcess.number(err, "exitCode")).isEqualTo(3);
        Map<String, Object> done = dl.last();
        assertThat(done.get("event")).isEqualTo("all_done");
        assertThat(BtgetProcess.number(done, "exitCode")).isEqualTo(3);
        assertThat((List<?>) done.get("torrents")).hasSize(4);

        // a real client dialling the seeder's one port for beta reaches beta's session while alpha and gamma
        // are served by the same process (incoming handshakes routed by info hash)
        Tools.require("aria2c");
        Path ariaOut = newDir("aria");
        ManagedProcess aria = track(Aria2.download(logs(), s.torrents().get(1), ariaOut, Ports.free(),
                "--bt-tracker-interval=2"));
        assertThat(aria.awaitExit(Duration.ofSeconds(90))).as("aria2c exit%s", logsOf(aria, s.seeder())).isZero();
        Payloads.assertSameTree(s.seedDir().resolve("beta.bin"), ariaOut.resolve("beta.bin"));
    }

    @Test
    void aMagnetRunsAlongsideTorrentsAndASecondTorrentOfTheSameNameIsRefused() throws Exception {
        Swarm s = swarm(512 * 1024);
        Path other = Payloads.randomFile(newDir("other").resolve("alpha.bin"), 100_000, 9);
        Path otherTorrent = dir.resolve("other-alpha.torrent");
        assertThat(BtgetProcess.run(logs(), dir, Duration.ofSeconds(60), "create", other.toString(), "-o",
                otherTorrent.toString())).isZero();
        String magnet = "magnet:?xt=urn:btih:" + s.hashes().get(1) + "&x.pe=127.0.0.1:" + s.seederPort();
        Path out = newDir("out");
        BtgetProcess dl = btget("btget-magnet", "download", s.torrents().get(0).toString(), otherTorrent.toString(),
                magnet, "-d", out.toString(), "-p", "0", "--stall-timeout", "60s");
        assertThat(dl.awaitExit(Duration.ofSeconds(120))).as("exit: usage (2) for the refused one%s", logsOf(dl))
                .isEqualTo(2);
        Payloads.assertSameTree(s.seedDir().resolve("alpha.bin"), out.resolve("alpha.bin"));
        Payloads.assertSameTree(s.seedDir().resolve("beta.bin"), out.resolve("beta.bin"));
        Map<String, Object> refused = dl.firstEvent("error").orElseThrow();
        assertThat(refused.get("input")).isEqualTo(otherTorrent.toString());
        assertThat(String.valueOf(refused.get("message"))).contains("alpha.bin");
        assertThat(dl.events("fetching_metadata")).extracting(e -> of(e, "infoHash")).containsExactly(s.hashes().get(1));
        assertThat(dl.events("complete")).extracting(e -> of(e, "infoHash"))
                .containsExactlyInAnyOrder(s.hashes().get(0), s.hashes().get(1));
    }

    @Test
    void eachTorrentKeepsToItsOwnDownloadLimit() throws Exception {
        Swarm s = swarm(512 * 1024);
        Path out = newDir("out");
        // 200 KiB/s each: alpha (512 KiB) needs 2.5 s or more, beta (341 KiB) 1.7 s; unlimited, both take well under 1 s
        BtgetProcess dl = downloadAll("btget-limits", out, s.torrents().subList(0, 2), "--torrent-download-limit", "200K");
        assertThat(dl.awaitExit(Duration.ofSeconds(120))).as("exit%s", logsOf(dl)).isZero();
        Payloads.assertSameTree(s.seedDir().resolve("alpha.bin"), out.resolve("alpha.bin"));
        Payloads.assertSameTree(s.seedDir().resolve("beta.bin"), out.resolve("beta.bin"));
        Map<String, Object> alpha = dl.events("complete").stream()
                .filter(e -> s.hashes().get(0).equals(e.get("infoHash"))).findFirst().orElseThrow();
        Map<String, Object> beta = dl.events("complete").stream()
                .filter(e -> s.hashes().get(1).equals(e.get("infoHash"))).findFirst().orElseThrow();
        assertThat(BtgetProcess.number(alpha, "elapsedMs")).as("alpha's time at 200 KiB/s").isGreaterThanOrEqualTo(2_000);
        assertThat(BtgetProcess.number(beta, "elapsedMs")).as("beta's time at 200 KiB/s").isGreaterThanOrEqualTo(1_300);
    }

    @Test
    void maxActiveOneRunsThemOneAfterAnother() throws Exception {
        Swarm s = swarm(512 * 1024);
        Path out = newDir("out");
        BtgetProcess dl = downloadAll("btget-queue", out, s.torrents(), "--max-active", "1");
        assertThat(dl.awaitExit(Duration.ofSeconds(120))).as("exit%s", logsOf(dl)).isZero();
        for (String n : s.names()) {
            Payloads.assertSameTree(s.seedDir().resolve(n), out.resolve(n));
        }
        List<Map<String, Object>> events = dl.events();
        int previousEnd = -1;
        for (String h : s.hashes()) {
            // the place frees when the download is done (download_complete); the session's own end follows
            int started = indexOf(events, "started", h);
            int done = indexOf(events, "download_complete", h);
            assertThat(started).as("%s started after the one before it was downloaded (events %s)", h, events)
                    .isGreaterThan(previousEnd);
            assertThat(done).isGreaterThan(started);
            assertThat(indexOf(events, "complete", h)).isGreaterThan(done);
            previousEnd = done;
        }
    }

    /** A torrent that is done and seeds (--seed) frees its --max-active place: the queue does not stop at the seeds. */
    @Test
    void withSeedAndMaxActiveOneEachDownloadStartsWhenThePreviousIsDoneAndSeeds() throws Exception {
        Swarm s = swarm(512 * 1024);
        Path out = newDir("out");
        BtgetProcess dl = downloadAll("btget-queue-seed", out, s.torrents(), "--max-active", "1", "--seed");
        String last = s.hashes().get(s.hashes().size() - 1);
        dl.awaitEvent(e -> "download_complete".equals(e.get("event")) && last.equals(e.get("infoHash")),
                Duration.ofSeconds(90), "the last torrent downloaded while the first two seed");
        for (String n : s.names()) {
            Payloads.assertSameTree(s.seedDir().resolve(n), out.resolve(n));
        }
        List<Map<String, Object>> events = dl.events();
        int previousDone = -1;
        for (String h : s.hashes()) {
            int started = indexOf(events, "started", h);
            int done = indexOf(events, "download_complete", h);
            assertThat(started).as("%s started after the one before it was downloaded (events %s)", h, events)
                    .isGreaterThan(previousDone);
            assertThat(done).isGreaterThan(started);
            previousDone = done;
        }
        assertThat(dl.process().isAlive()).as("still seeding all three").isTrue();
        dl.process().signal("TERM");
        assertThat(dl.awaitExit(Duration.ofSeconds(30))).as("exit after SIGTERM%s", logsOf(dl)).isEqualTo(143);
    }

    private static int indexOf(List<Map<String, Object>> events, String type, String infoHash) {
        for (int i = 0; i < events.size(); i++) {
            if (type.equals(events.get(i).get("event")) && infoHash.equals(events.get(i).get("infoHash"))) {
                return i;
            }
        }
        throw new AssertionError("no " + type + " event for " + infoHash + " in " + events);
    }

    @Test
    void sigtermStopsEveryTorrentRunningOrQueuedAndARerunResumes() throws Exception {
        // a slow seeder so that the signal comes in the middle of the first two downloads; the third waits its turn
        Swarm s = swarm(2 * 1024 * 1024, "--upload-limit", "100K");
        Path out = newDir("out");
        BtgetProcess dl = downloadAll("btget-term", out, s.torrents(), "--max-active", "2");
        for (String h : s.hashes().subList(0, 2)) {
            dl.awaitEvent(e -> "progress".equals(e.get("event")) && h.equals(e.get("infoHash"))
                    && e.get("verifiedBytes") instanceof Double d && d > 0, Duration.ofSeconds(60), "progress of " + h);
        }
        dl.process().signal("TERM");
        assertThat(dl.awaitExit(Duration.ofSeconds(30))).as("exit after SIGTERM%s", logsOf(dl)).isEqualTo(143);
        for (String h : s.hashes()) {
            assertThat(dl.events("stopped")).as("stopped event of %s", h).anyMatch(e -> h.equals(e.get("infoHash")));
        }
        assertThat(dl.events("started")).as("the queued third never started")
                .noneMatch(e -> s.hashes().get(2).equals(e.get("infoHash")));
        assertThat(BtgetProcess.number(dl.last(), "exitCode")).isEqualTo(143);
        s.seeder().close();
        // the rerun finds what the stopped run verified (resume files saved on the stop)
        BtgetProcess seeder2 = btget("btget-seed-again", "seed", s.torrents().get(0).toString(),
                s.torrents().get(1).toString(), s.torrents().get(2).toString(), "-d", s.seedDir().toString(),
                "-p", Integer.toString(Ports.free()));
        BtgetProcess rerun = downloadAll("btget-rerun", out, s.torrents());
        assertThat(rerun.awaitExit(Duration.ofSeconds(120))).as("rerun exit%s", logsOf(rerun, seeder2)).isZero();
        for (String n : s.names()) {
            Payloads.assertSameTree(s.seedDir().resolve(n), out.resolve(n));
        }
        long resumed = 0;
        for (Map<String, Object> e : rerun.events("resumed")) {
            resumed += BtgetProcess.number(e, "pieces");
        }
        assertThat(resumed).as("pieces the rerun found on disk").isGreaterThan(0);
    }
}
