package io.btget.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Issue 4: btget leechers trade pieces among themselves when the only seeder is slow. */
@Tag("interop")
@Timeout(180)
class SwarmIT extends InteropTestBase {
    private static final int LEECHERS = 3;

    @Test
    void leechersUploadToEachOtherWhenTheSeederIsRateLimited() throws Exception {
        BtgetTracker tracker = track(BtgetTracker.start(logs(), dir));
        Path seedDir = newDir("seed");
        Path payload = Payloads.randomFile(seedDir.resolve("swarm.bin"), 3 * 1024 * 1024, 11);
        Path torrent = dir.resolve("swarm.torrent");
        assertThat(BtgetProcess.run(logs(), dir, Duration.ofSeconds(60), "create", payload.toString(), "-t",
                tracker.httpAnnounce(), "-o", torrent.toString(), "--piece-size", "64K")).isZero();
        // 3 MiB at 300 KiB/s takes the seeder ~10 s per leecher: the leechers must trade to finish sooner
        BtgetProcess seeder = btget("btget-seed", "seed", torrent.toString(), "-d", seedDir.toString(),
                "-p", Integer.toString(Ports.free()), "--upload-limit", "300K");
        seeder.awaitEvent(e -> "progress".equals(e.get("event")) && "seeding".equals(e.get("phase")),
                Duration.ofSeconds(30), "seeding");

        List<BtgetProcess> leechers = new ArrayList<>();
        List<Path> outs = new ArrayList<>();
        for (int i = 0; i < LEECHERS; i++) {
            Path out = newDir("out-" + i);
            outs.add(out);
            leechers.add(btget("btget-leech-" + i, "download", torrent.toString(), "-d", out.toString(),
                    "-p", Integer.toString(Ports.free()), "--stall-timeout", "40s", "--seed-time", "6s"));
        }

        long uploadedByLeechers = 0;
        List<Long> uploads = new ArrayList<>();
        for (int i = 0; i < LEECHERS; i++) {
            BtgetProcess leecher = leechers.get(i);
            int code = leecher.awaitExit(Duration.ofSeconds(120));
            assertThat(code).as("leecher %d exit code%s", i, logsOf(leecher, seeder)).isZero();
            assertThat(leecher.events("complete")).as("leecher %d completed", i).isNotEmpty();
            Payloads.assertSameTree(payload, outs.get(i).resolve("swarm.bin"));
            long uploaded = BtgetProcess.number(leecher.last(), "uploaded");
            uploads.add(uploaded);
            uploadedByLeechers += uploaded;
        }
        assertThat(uploadedByLeechers).as("bytes the leechers uploaded to each other, per leecher %s", uploads)
                .isGreaterThan(0);
        assertThat(uploads).as("each leecher uploaded something").allMatch(u -> u > 0);
    }
}
