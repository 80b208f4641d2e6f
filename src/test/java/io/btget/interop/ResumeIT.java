package io.btget.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Issue 3: a download killed with SIGKILL resumes from the pieces already verified on disk. */
@Tag("interop")
@Timeout(150)
class ResumeIT extends InteropTestBase {

    @Test
    void downloadKilledWithSigkillResumesFromVerifiedPiecesAndCompletes() throws Exception {
        Opentracker tracker = opentracker();
        Path seedDir = newDir("seed");
        Path payload = Payloads.randomFile(seedDir.resolve("resume.bin"), 6 * 1024 * 1024, 6);
        Path torrent = Torrents.mktorrent(dir, payload, "resume", 16, tracker.httpAnnounce());
        String hash = Torrents.infoHashHex(torrent);
        int pieceCount = Torrents.parse(torrent).pieceCount();
        tracker.allow(hash);
        ManagedProcess aria2 = aria2Seed(torrent, seedDir, Ports.free());
        tracker.awaitSeeders(hash, 1, Duration.ofSeconds(30));
        Path out = newDir("out");

        BtgetProcess slow = btget("btget-slow", "download", torrent.toString(), "-d", out.toString(),
                "-p", Integer.toString(Ports.free()), "--stall-timeout", "30s", "--download-limit", "512K");
        slow.awaitEvent(e -> "progress".equals(e.get("event")) && BtgetProcess.number(e, "pieces") >= 10,
                Duration.ofSeconds(60), "progress with 10 verified pieces");
        slow.process().close(); // destroyForcibly: SIGKILL, no chance to flush anything
        long piecesBeforeKill = slow.events("progress").stream().mapToLong(e -> BtgetProcess.number(e, "pieces"))
                .max().orElseThrow();
        assertThat(piecesBeforeKill).as("the slow run was still incomplete").isLessThan(pieceCount);

        BtgetProcess rerun = btget("btget-rerun", "download", torrent.toString(), "-d", out.toString(),
                "-p", Integer.toString(Ports.free()), "--stall-timeout", "30s");
        int code = rerun.awaitExit(Duration.ofSeconds(90));
        assertThat(code).as("rerun exit code%s", logsOf(rerun, aria2)).isZero();
        Map<String, Object> resumed = rerun.firstEvent("resumed")
                .orElseThrow(() -> new AssertionError("no resumed event\n" + rerun.process().stdout()));
        assertThat(BtgetProcess.number(resumed, "pieces")).as("pieces kept from the killed run")
                .isGreaterThanOrEqualTo(piecesBeforeKill).isLessThan(pieceCount);
        assertThat(rerun.last().get("event")).isEqualTo("complete");
        assertThat(BtgetProcess.number(rerun.last(), "downloaded")).as("bytes fetched again")
                .isLessThan(Torrents.parse(torrent).totalLength());
        Payloads.assertSameTree(payload, out.resolve("resume.bin"));
    }

    /**
     * SIGHUP (the terminal closed, the ssh session dropped; field report): the same clean stop as SIGTERM, exit 129,
     * and the resume file saved, so the rerun hashes nothing (before, SIGHUP killed it like kill -9).
     */
    @Test
    void aHangUpStopsCleanlyWithExit129AndTheRerunTrustsTheResumeFile() throws Exception {
        Path seedDir = newDir("seed");
        Path payload = Payloads.randomFile(seedDir.resolve("hup.bin"), 4 * 1024 * 1024, 7);
        Path torrent = Torrents.mktorrent(dir, payload, "hup", 16);
        int seedPort = Ports.free();
        BtgetProcess seeder = btget("btget-seed", "seed", torrent.toString(), "-d", seedDir.toString(), "-p",
                Integer.toString(seedPort));
        seeder.awaitEvent(e -> "progress".equals(e.get("event")) && "seeding".equals(e.get("phase")),
                Duration.ofSeconds(30), "seeding");
        Path out = newDir("out");
        BtgetProcess slow = btget("btget-hup", "download", torrent.toString(), "-d", out.toString(), "-p",
                Integer.toString(Ports.free()), "--peer", "127.0.0.1:" + seedPort, "--download-limit", "512K");
        slow.awaitEvent(e -> "progress".equals(e.get("event")) && BtgetProcess.number(e, "pieces") >= 4,
                Duration.ofSeconds(60), "progress with 4 verified pieces");
        slow.process().signal("HUP");
        assertThat(slow.awaitExit(Duration.ofSeconds(30))).as("exit after SIGHUP%s", logsOf(slow)).isEqualTo(129);
        assertThat(slow.last().get("event")).as("the clean stop's summary").isEqualTo("stopped");

        BtgetProcess rerun = btget("btget-rerun", "download", torrent.toString(), "-d", out.toString(),
                "-p", Integer.toString(Ports.free()), "--peer", "127.0.0.1:" + seedPort);
        assertThat(rerun.awaitExit(Duration.ofSeconds(60))).as("rerun exit%s", logsOf(rerun)).isZero();
        Map<String, Object> resumed = rerun.firstEvent("resumed").orElseThrow();
        assertThat(BtgetProcess.number(resumed, "pieces")).isGreaterThanOrEqualTo(4);
        assertThat(BtgetProcess.number(resumed, "hashed")).as("pieces hashed again at the rerun").isZero();
        Payloads.assertSameTree(payload, out.resolve("hup.bin"));
    }
}
