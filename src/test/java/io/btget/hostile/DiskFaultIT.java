package io.btget.hostile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.btget.hostile.FakePeer.Conn;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Disk faults under a real download: a file system that fills up, one that is read-only (small tmpfs mounts made
 * here; skipped when mounting is not allowed), and existing files of the wrong size. A fault ends the run with
 * exit 5 and one clear line; the verified pieces stay on disk; once the fault is gone a rerun completes. The first
 * fatal write stops the network for good: nothing more is fetched, and what was fetched and dropped counts as
 * wasted.
 */
@Tag("interop")
@Timeout(60)
class DiskFaultIT {
    /** 1 MiB in 32 pieces of 32 KiB. */
    private static final TestSwarm SWARM = new TestSwarm("disk.bin", 1 << 20, 32 << 10, 11);

    @TempDir
    Path dir;

    private FakePeer seeder;
    private Path mountPoint;

    @AfterEach
    void cleanUp() throws Exception {
        if (seeder != null) {
            seeder.close();
        }
        if (mountPoint != null) {
            run("umount", "-l", mountPoint.toString());
        }
    }

    private static boolean run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        try {
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } finally {
            p.destroyForcibly();
        }
    }

    private void mountTmpfs(String options) throws Exception {
        mountPoint = dir.resolve("mnt");
        Files.createDirectories(mountPoint);
        assumeTrue(run("mount", "-t", "tmpfs", "-o", options, "tmpfs", mountPoint.toString()),
                "cannot mount a tmpfs here (needs root)");
    }

    /** Payload bytes the seeder sent in the current test. */
    private final AtomicLong served = new AtomicLong();

    private String honestSeeder(TestSwarm swarm) throws IOException {
        seeder = new FakePeer(swarm, c -> {
            c.acceptHandshake();
            c.seed((conn, r) -> {
                served.addAndGet(r.length());
                return Conn.HONEST.serve(conn, r);
            });
        });
        return seeder.address();
    }

    private BtgetProcess download(TestSwarm swarm, Path out, String... extra) throws IOException {
        List<String> args = new java.util.ArrayList<>(List.of("download", swarm.writeTorrent(dir).toString(), "-d",
                out.toString(), "--progress", "none", "--bind", "127.0.0.1", "-p", "0", "--stall-timeout", "20s",
                "--peer", honestSeeder(swarm)));
        args.addAll(List.of(extra));
        return BtgetProcess.start(dir.resolve("logs"), args);
    }

    private int runDownload(Path out, String... extra) throws Exception {
        return runDownload(SWARM, out, extra);
    }

    private int runDownload(TestSwarm swarm, Path out, String... extra) throws Exception {
        try (BtgetProcess p = download(swarm, out, extra)) {
            int code = p.waitFor(40);
            lastStderr = p.stderrLines();
            lastStdout = p.stdout();
            return code;
        } finally {
            if (seeder != null) {
                seeder.close();
                seeder = null;
            }
        }
    }

    private List<String> lastStderr;
    private String lastStdout;

    @Test
    void aFullFileSystemEndsWithExitFiveKeepsVerifiedPiecesAndARerunCompletesOnceThereIsRoom() throws Exception {
        mountTmpfs("size=512k");
        Path out = mountPoint.resolve("dl");
        assertThat(runDownload(out)).as("exit code; stderr %s", lastStderr).isEqualTo(5);
        assertThat(lastStderr).hasSize(1);
        assertThat(lastStderr.get(0)).startsWith("btget: ").contains("No space left on device")
                .containsPattern("\\(\\d+ of 32 pieces verified and kept on disk\\)");
        int kept = Integer.parseInt(lastStderr.get(0).replaceAll(".*\\((\\d+) of 32 pieces.*", "$1"));
        assertThat(kept).isPositive();

        assertThat(run("mount", "-o", "remount,size=4m", mountPoint.toString())).isTrue();
        assertThat(runDownload(out, "--json")).as("rerun; stderr %s", lastStderr).isZero();
        assertThat(lastStdout).containsPattern("\"event\":\"resumed\"[^\\n]*\"pieces\":" + kept + "\\b");
        assertThat(Files.readAllBytes(out.resolve(SWARM.name))).isEqualTo(SWARM.data);
    }

    /** The field report's case: 600 000 bytes in 19 pieces of 32 KiB, 200 KiB free. */
    private static final TestSwarm LARGER_THAN_THE_DISK = new TestSwarm("full.bin", 600_000, 32 << 10, 12);

    private static long jsonNumber(String line, String field) {
        Matcher m = Pattern.compile("\"" + field + "\":(\\d+)").matcher(line);
        assertThat(m.find()).as("%s in %s", field, line).isTrue();
        return Long.parseLong(m.group(1));
    }

    @Test
    void theFirstFailedWriteStopsTheNetworkForGoodAndTheDiscardedBytesCountAsWasted() throws Exception {
        mountTmpfs("size=200k");
        Path out = mountPoint.resolve("dl");
        assertThat(runDownload(LARGER_THAN_THE_DISK, out, "--json")).as("exit code; stdout %s", lastStdout).isEqualTo(5);
        String summary = lastStdout.lines().filter(l -> l.contains("\"event\":\"error\"")).findFirst().orElseThrow();
        assertThat(summary).contains("No space left on device");
        long total = LARGER_THAN_THE_DISK.data.length;
        long downloaded = jsonNumber(summary, "downloaded");
        long wasted = jsonNumber(summary, "wasted");
        long verified = jsonNumber(summary, "verifiedBytes");
        // Before: 13-27 MB fetched (the same pieces again and again) and "wasted":0. Now at most what was in flight
        // when the disk filled: never more than the torrent once more.
        assertThat(served.get()).as("bytes the seeder sent").isLessThanOrEqualTo(2 * total);
        assertThat(downloaded).isLessThanOrEqualTo(2 * total).isGreaterThan(verified);
        assertThat(wasted).as("downloaded %d, verified %d", downloaded, verified).isEqualTo(downloaded - verified);

        assertThat(run("mount", "-o", "remount,size=4m", mountPoint.toString())).isTrue();
        served.set(0);
        assertThat(runDownload(LARGER_THAN_THE_DISK, out, "--json")).as("rerun; stderr %s", lastStderr).isZero();
        assertThat(Files.readAllBytes(out.resolve(LARGER_THAN_THE_DISK.name))).isEqualTo(LARGER_THAN_THE_DISK.data);
        assertThat(served.get()).as("the rerun fetches only what is missing").isEqualTo(total - verified);
    }

    @Test
    void aFileReplacedByADirectoryDuringTheDownloadIsADiskErrorNotASuccess() throws Exception {
        Path out = dir.resolve("replaced");
        seeder = new FakePeer(SWARM, c -> {
            c.acceptHandshake();
            c.seed((conn, r) -> {
                Thread.sleep(40); // about 1.3 s for the whole torrent: time to pull the file away mid-run
                return Conn.HONEST.serve(conn, r);
            });
        });
        List<String> args = List.of("download", SWARM.writeTorrent(dir).toString(), "-d", out.toString(), "--json",
                "--bind", "127.0.0.1", "-p", "0", "--stall-timeout", "20s", "--peer", seeder.address());
        try (BtgetProcess p = BtgetProcess.start(dir.resolve("logs"), args)) {
            Path file = out.resolve(SWARM.name);
            for (int i = 0; i < 2000 && !Files.isRegularFile(file) && p.isAlive(); i++) {
                Thread.sleep(5);
            }
            assertThat(Files.isRegularFile(file)).as("btget wrote its first piece").isTrue();
            Files.delete(file);
            Files.createDirectory(file); // the open file lives on, unlinked: writes into it still succeed
            assertThat(p.waitFor(40)).as("exit code; stdout %s", p.stdout()).isEqualTo(5);
            assertThat(p.stdout()).contains("was deleted or replaced during the download")
                    .doesNotContain("\"event\":\"complete\"");
        }
    }

    @Test
    void aReadOnlyOutputDirectoryEndsWithExitFiveAndARerunCompletesOnceItIsWritable() throws Exception {
        mountTmpfs("size=4m,ro");
        assertThat(runDownload(mountPoint)).as("exit code; stderr %s", lastStderr).isEqualTo(5);
        assertThat(lastStderr).hasSize(1);
        assertThat(lastStderr.get(0)).startsWith("btget: ").contains("Read-only file system")
                .doesNotContain("Exception");

        assertThat(run("mount", "-o", "remount,rw", mountPoint.toString())).isTrue();
        assertThat(runDownload(mountPoint)).as("rerun; stderr %s", lastStderr).isZero();
        assertThat(Files.readAllBytes(mountPoint.resolve(SWARM.name))).isEqualTo(SWARM.data);
    }

    @Test
    void anExistingShorterFileKeepsItsGoodPiecesAndIsCompleted() throws Exception {
        Path out = dir.resolve("short");
        Files.createDirectories(out);
        // the first 10.5 pieces are right, then the file ends
        Files.write(out.resolve(SWARM.name), Arrays.copyOf(SWARM.data, 10 * SWARM.pieceLength + 100));
        assertThat(runDownload(out, "--json")).as("stderr %s", lastStderr).isZero();
        assertThat(lastStdout).containsPattern("\"event\":\"resumed\"[^\\n]*\"pieces\":10\\b");
        assertThat(lastStdout).containsPattern("\"event\":\"complete\"[^\\n]*\"downloaded\":" + (22 * SWARM.pieceLength)
                + "\\b");
        assertThat(Files.readAllBytes(out.resolve(SWARM.name))).isEqualTo(SWARM.data);
    }

    @Test
    void anExistingLongerFileIsTreatedAsDataAndCutToTheTorrentLengthOnceComplete() throws Exception {
        Path out = dir.resolve("long");
        Files.createDirectories(out);
        byte[] longer = Arrays.copyOf(SWARM.data, SWARM.data.length + 100_000);
        Arrays.fill(longer, 5 * SWARM.pieceLength, 6 * SWARM.pieceLength, (byte) 7); // one damaged piece
        Arrays.fill(longer, SWARM.data.length, longer.length, (byte) 'x');
        Files.write(out.resolve(SWARM.name), longer);
        assertThat(runDownload(out, "--json")).as("stderr %s", lastStderr).isZero();
        assertThat(lastStdout).containsPattern("\"event\":\"resumed\"[^\\n]*\"pieces\":31\\b");
        assertThat(lastStdout).containsPattern("\"event\":\"complete\"[^\\n]*\"downloaded\":" + SWARM.pieceLength
                + "\\b");
        assertThat(Files.readAllBytes(out.resolve(SWARM.name))).isEqualTo(SWARM.data);
    }
}
