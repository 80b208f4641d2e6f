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
}
