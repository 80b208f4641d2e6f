package io.btget.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Issue 3: whatever is already in the output directory, the result is the torrent's exact bytes. */
@Tag("interop")
@Timeout(120)
class ExistingDataIT extends InteropTestBase {
    private static final int PIECE = 64 * 1024;

    private record Swarm(Path torrent, Path payload, ManagedProcess seeder) {
    }

    private Swarm aria2Swarm(String name, long size) throws Exception {
        Opentracker tracker = opentracker();
        Path seedDir = newDir("seed");
        Path payload = Payloads.randomFile(seedDir.resolve(name), size, 16);
        Path torrent = Torrents.mktorrent(dir, payload, "t", 16, tracker.httpAnnounce());
        String hash = Torrents.infoHashHex(torrent);
        tracker.allow(hash);
        ManagedProcess aria2 = aria2Seed(torrent, seedDir, Ports.free());
        tracker.awaitSeeders(hash, 1, Duration.ofSeconds(30));
        return new Swarm(torrent, payload, aria2);
    }

    private BtgetProcess download(Swarm swarm, Path out) throws Exception {
        BtgetProcess btget = btget("btget", "download", swarm.torrent().toString(), "-d", out.toString(),
                "-p", Integer.toString(Ports.free()), "--stall-timeout", "30s");
        int code = btget.awaitExit(Duration.ofSeconds(90));
        assertThat(code).as("btget exit code%s", logsOf(btget, swarm.seeder())).isZero();
        return btget;
    }

    @Test
    void refetchesOnlyThePiecesDamagedOnDisk() throws Exception {
        Swarm swarm = aria2Swarm("damaged.bin", 2 * 1024 * 1024);
        Path out = newDir("out");
        Path local = Files.copy(swarm.payload(), out.resolve("damaged.bin"));
        try (RandomAccessFile f = new RandomAccessFile(local.toFile(), "rw")) {
            for (int piece : new int[] {0, 7, 31}) { // first, middle and last piece
                f.seek((long) piece * PIECE + 5);
                f.write(0x55 ^ f.readByte());
            }
        }

        BtgetProcess btget = download(swarm, out);

        Map<String, Object> resumed = btget.firstEvent("resumed").orElseThrow();
        assertThat(BtgetProcess.number(resumed, "pieces")).isEqualTo(32 - 3);
        assertThat(BtgetProcess.number(btget.last(), "downloaded")).as("bytes fetched")
                .isBetween(3L * PIECE, 3L * PIECE + BtgetProcess.number(btget.last(), "wasted"));
        Payloads.assertSameTree(swarm.payload(), local);
    }

    @Test
    void completesAFileThatIsShorterOnDiskThanInTheTorrent() throws Exception {
        Swarm swarm = aria2Swarm("short.bin", 1024 * 1024 + 333);
        Path out = newDir("out");
        Path local = out.resolve("short.bin");
        Files.write(local, Arrays.copyOf(Files.readAllBytes(swarm.payload()), 300_000));

        BtgetProcess btget = download(swarm, out);

        assertThat(BtgetProcess.number(btget.firstEvent("resumed").orElseThrow(), "pieces"))
                .isEqualTo(300_000 / PIECE);
        Payloads.assertSameTree(swarm.payload(), local);
    }

    @Test
    void truncatesAFileThatIsLongerOnDiskThanInTheTorrent() throws Exception {
        Swarm swarm = aria2Swarm("long.bin", 1024 * 1024);
        Path out = newDir("out");
        Path local = Files.copy(swarm.payload(), out.resolve("long.bin"));
        Files.write(local, new byte[5000], StandardOpenOption.APPEND);

        download(swarm, out);

        assertThat(Files.size(local)).isEqualTo(1024 * 1024);
        Payloads.assertSameTree(swarm.payload(), local);
    }
}
