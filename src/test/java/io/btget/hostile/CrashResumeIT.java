package io.btget.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import io.btget.hostile.FakePeer.Conn;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 at random moments of a rate-limited download, ten times over; every rerun resumes. From the JSON
 * counters: no piece reported verified before a kill is missing after it, and each run downloads no more than the
 * pieces that were not yet verified when it started (what was in flight at the kill plus what was never fetched).
 */
@Tag("interop")
class CrashResumeIT {
    /** 8 MiB in 128 pieces of 64 KiB. */
    private static final TestSwarm SWARM = new TestSwarm("crash.bin", 8 << 20, 64 << 10, 13);
    private static final Pattern PIECES = Pattern.compile("\"pieces\":(\\d+)");
    private static final Pattern DOWNLOADED = Pattern.compile("\"downloaded\":(\\d+)");

    @TempDir
    Path dir;

    private static long last(Pattern p, String line) {
        Matcher m = p.matcher(line);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    /** The last JSON line of {@code event} in {@code json}, or null. */
    private static String lastEvent(String json, String event) {
        String found = null;
        for (String l : json.lines().toList()) {
            if (l.startsWith("{\"event\":\"" + event + "\"")) {
                found = l;
            }
        }
        return found;
    }

    @Test
    @Timeout(120)
    void tenKillsDuringADownloadLoseNoVerifiedPieceAndTheLastRunCompletesTheData() throws Exception {
        Random random = new Random(2024);
        Path torrent = SWARM.writeTorrent(dir);
        Path out = dir.resolve("out");
        try (FakePeer seeder = new FakePeer(SWARM, c -> {
            c.acceptHandshake();
            c.seed(Conn.HONEST);
        })) {
            List<String> args = List.of("download", torrent.toString(), "-d", out.toString(), "--json", "--bind",
                    "127.0.0.1", "-p", "0", "--stall-timeout", "30s", "--download-limit", "400K", "--peer",
                    seeder.address());
            long verifiedBeforeKill = 0;
            int kills = 0;
            for (int run = 0; ; run++) {
                try (BtgetProcess btget = BtgetProcess.start(dir.resolve("logs"), args)) {
                    boolean kill = run < 10;
                    if (kill) {
                        Thread.sleep(400 + random.nextInt(1600));
                        if (btget.isAlive()) {
                            btget.kill9();
                            kills++;
                        }
                    } else {
                        assertThat(btget.waitFor(60)).as("last run; stderr %s", btget.stderr()).isZero();
                    }
                    String json = btget.stdout();
                    String resumed = lastEvent(json, "resumed");
                    // 'resumed' is printed once the start-up check is done, and only when it found pieces; a run
                    // killed before the check ended (no progress line past "checking") proves nothing either way
                    boolean checked = json.lines().anyMatch(l -> l.startsWith("{\"event\":\"progress\"")
                            && !l.contains("\"phase\":\"checking\""));
                    if (resumed == null && !checked && kill) {
                        continue;
                    }
                    long resumedPieces = resumed == null ? 0 : last(PIECES, resumed);
                    assertThat(resumedPieces).as("run %d resumed with at least the %d pieces verified before the kill",
                            run, verifiedBeforeKill).isGreaterThanOrEqualTo(verifiedBeforeKill);
                    String lastLine = kill ? lastEvent(json, "progress") : lastEvent(json, "complete");
                    if (lastLine == null) {
                        continue; // killed before its first progress line
                    }
                    long missingAtStart = SWARM.pieceCount - resumedPieces;
                    // one honest peer: no endgame duplicates, so every byte fetched belongs to a missing piece
                    assertThat(last(DOWNLOADED, lastLine)).as("run %d downloaded only missing pieces", run)
                            .isLessThanOrEqualTo(missingAtStart * SWARM.pieceLength);
                    verifiedBeforeKill = Math.max(verifiedBeforeKill, last(PIECES, lastLine));
                    if (!kill) {
                        break;
                    }
                }
            }
            assertThat(kills).isGreaterThanOrEqualTo(8);
            assertThat(Files.readAllBytes(out.resolve(SWARM.name))).isEqualTo(SWARM.data);
        }
    }
}
