package io.btget.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import io.btget.hostile.FakePeer.Conn;
import io.btget.metainfo.Torrent;
import io.btget.metainfo.TorrentBuilder;
import io.btget.storage.FileLayout;
import io.btget.storage.RecheckPlan;
import io.btget.storage.ResumeFile;
import io.btget.storage.Storage;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The resume file ({@code <state dir>/resume/<infohash>.resume}) against kill -9 and against data changed behind
 * btget's back: it never claims a piece whose bytes are not the torrent's, a file changed since it was saved is
 * hashed again (and only that file), and a restart with nothing changed hashes nothing.
 */
@Tag("interop")
class ResumeFileIT {
    /** 8 MiB in 128 pieces of 64 KiB. */
    private static final TestSwarm SWARM = new TestSwarm("resume.bin", 8 << 20, 64 << 10, 29);
    private static final Pattern HASHED = Pattern.compile("\"hashed\":(\\d+)");
    private static final Pattern PIECES = Pattern.compile("\"pieces\":(\\d+)");

    @TempDir
    Path dir;

    private static long field(Pattern p, String line) {
        Matcher m = p.matcher(line);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    /** The first JSON line of {@code event}, or null. */
    private static String event(String json, String event) {
        return json.lines().filter(l -> l.startsWith("{\"event\":\"" + event + "\"")).findFirst().orElse(null);
    }

    /** The resume file's claims on {@code out} (null when there is none yet), checked as any reader would. */
    private static ResumeFile.Data resumeFile(Path state, Torrent torrent, Path out) throws Exception {
        try (Storage s = Storage.open(out, torrent, false)) {
            String root = s.root().toString();
            return ResumeFile.load(ResumeFile.pathIn(state.resolve("resume"), torrent, root), torrent, root);
        }
    }

    @Test
    @Timeout(150)
    void killedAtRandomMomentsItNeverClaimsABadPieceAndAPieceCorruptedBehindItsBackIsFetchedAgain() throws Exception {
        Random random = new Random(77);
        Path torrentFile = SWARM.writeTorrent(dir);
        Torrent torrent = Torrent.parse(Files.readAllBytes(torrentFile));
        Path out = dir.resolve("out");
        Path logs = dir.resolve("logs");
        Path data = out.resolve(SWARM.name);
        try (FakePeer seeder = new FakePeer(SWARM, c -> {
            c.acceptHandshake();
            c.seed(Conn.HONEST);
        })) {
            List<String> args = List.of("download", torrentFile.toString(), "-d", out.toString(), "--json", "--bind",
                    "127.0.0.1", "-p", "0", "--stall-timeout", "30s", "--download-limit", "600K", "--peer",
                    seeder.address());
            int claimsChecked = 0;
            int corrupted = 0;
            boolean rehashSeen = false;
            Integer corruptedPiece = null;
            for (int run = 0; ; run++) {
                boolean kill = run < 10;
                try (BtgetProcess btget = BtgetProcess.start(logs, args)) {
                    if (kill) {
                        Thread.sleep(500 + random.nextInt(2000));
                        btget.kill9();
                    } else {
                        assertThat(btget.waitFor(90)).as("last run; stderr %s", btget.stderr()).isZero();
                    }
                    String resumed = event(btget.stdout(), "resumed");
                    if (corruptedPiece != null && resumed != null) {
                        // the file was written after the resume file was saved: its pieces were hashed, and the
                        // corrupted one is not among those found
                        assertThat(field(HASHED, resumed)).as("run %d hashed the changed file", run).isPositive();
                        rehashSeen = true;
                    }
                    if (resumed != null) {
                        corruptedPiece = null;
                    }
                }
                ResumeFile.Data claims = resumeFile(BtgetProcess.stateDir(logs), torrent, out);
                if (claims != null && Files.exists(data)) {
                    // what a start now would take without hashing: every such piece must hold the torrent's bytes
                    BitSet trusted = RecheckPlan.of(new FileLayout(torrent), claims.pieces(), claims.files(),
                            List.of(ResumeFile.FileStamp.of(data))).trusted();
                    byte[] onDisk = Files.readAllBytes(data);
                    for (int p = trusted.nextSetBit(0); p >= 0; p = trusted.nextSetBit(p + 1)) {
                        int from = p * SWARM.pieceLength;
                        assertThat(Arrays.equals(onDisk, from, Math.min(onDisk.length, from + SWARM.pieceSize(p)),
                                SWARM.data, from, from + SWARM.pieceSize(p)))
                                .as("run %d: piece %d trusted through the resume file holds the torrent's bytes", run, p)
                                .isTrue();
                        claimsChecked++;
                    }
                    if (kill && run % 2 == 1 && claims.pieces().cardinality() > 0 && corruptedPiece == null) {
                        List<Integer> claimed = new ArrayList<>();
                        for (int p = claims.pieces().nextSet(0); p >= 0; p = claims.pieces().nextSet(p + 1)) {
                            claimed.add(p);
                        }
                        int victim = claimed.get(random.nextInt(claimed.size()));
                        Thread.sleep(20); // a later tick of the file system's clock than btget's last write
                        try (RandomAccessFile f = new RandomAccessFile(data.toFile(), "rw")) {
                            long at = (long) victim * SWARM.pieceLength + 1000;
                            f.seek(at);
                            int b = f.read();
                            f.seek(at);
                            f.write(b ^ 0x5a);
                        }
                        corruptedPiece = victim;
                        corrupted++;
                    }
                }
                if (!kill) {
                    break;
                }
            }
            assertThat(claimsChecked).as("pieces claimed by resume files and checked").isPositive();
            assertThat(corrupted).isPositive();
            assertThat(rehashSeen).as("a restart after a corruption hashed the changed file").isTrue();
            assertThat(Files.readAllBytes(data)).isEqualTo(SWARM.data);
        }
    }

    /** Three files of a multi-file torrent, 16 KiB pieces across their boundaries. */
    private Torrent multiFile(Path folder) throws Exception {
        Files.createDirectories(folder);
        Random r = new Random(11);
        for (String name : List.of("a.bin", "b.bin", "c.bin")) {
            byte[] b = new byte[100_000];
            r.nextBytes(b);
            Files.write(folder.resolve(name), b);
        }
        return new TorrentBuilder(folder).pieceLength(Optional.of(16 << 10)).threads(1).build((d, n) -> { }).torrent();
    }

    private static String run(Path logs, String... args) throws Exception {
        try (BtgetProcess btget = BtgetProcess.start(logs, args)) {
            btget.waitFor(60);
            return btget.stdout();
        }
    }

    @Test
    @Timeout(120)
    void aRestartHashesNothingWhenNothingChangedOnlyATouchedFileOtherwiseAndEverythingWithRecheck() throws Exception {
        Path folder = dir.resolve("data").resolve("multi");
        Torrent torrent = multiFile(folder);
        Path torrentFile = dir.resolve("multi.torrent");
        Files.write(torrentFile, io.btget.metainfo.TorrentFileWriter.write(torrent));
        Path logs = dir.resolve("logs");
        String[] complete = {"download", torrentFile.toString(), "-d", dir.resolve("data").toString(), "--json",
            "--no-dht", "-p", "0", "--bind", "127.0.0.1"};
        int all = torrent.pieceCount();

        String first = run(logs, complete);
        assertThat(field(HASHED, event(first, "resumed"))).as("first start: no resume file").isEqualTo(all);
        assertThat(event(first, "complete")).isNotNull();

        String second = run(logs, complete);
        assertThat(field(HASHED, event(second, "resumed"))).as("nothing changed: nothing hashed").isZero();
        assertThat(field(PIECES, event(second, "resumed"))).isEqualTo(all);
        assertThat(event(second, "complete")).isNotNull();

        Path b = folder.resolve("b.bin");
        Thread.sleep(20);
        Files.write(b, Files.readAllBytes(b)); // same bytes, a new mtime
        String touched = run(logs, complete);
        // b.bin is bytes 100 000..199 999: pieces 6 (98 304..) to 12 (.. 212 991)
        assertThat(field(HASHED, event(touched, "resumed"))).as("only b.bin's pieces hashed").isEqualTo(7);
        assertThat(field(PIECES, event(touched, "resumed"))).isEqualTo(all);

        Thread.sleep(20);
        try (RandomAccessFile f = new RandomAccessFile(folder.resolve("c.bin").toFile(), "rw")) {
            f.seek(50_000);
            f.write(f.read() ^ 1);
        }
        String[] seedOnly = {"seed", torrentFile.toString(), "-d", dir.resolve("data").toString(), "--json",
            "--no-dht", "-p", "0", "--bind", "127.0.0.1", "--seed-time", "0"};
        String corrupt = run(logs, seedOnly);
        assertThat(field(HASHED, event(corrupt, "resumed"))).as("c.bin's pieces hashed").isEqualTo(7);
        assertThat(field(PIECES, event(corrupt, "resumed"))).as("the corrupted piece is not ours").isEqualTo(all - 1);

        String again = run(logs, seedOnly);
        assertThat(field(HASHED, event(again, "resumed"))).as("the check's result was saved").isZero();
        assertThat(field(PIECES, event(again, "resumed"))).isEqualTo(all - 1);

        String[] recheck = Arrays.copyOf(seedOnly, seedOnly.length + 1);
        recheck[seedOnly.length] = "--recheck";
        String forced = run(logs, recheck);
        assertThat(field(HASHED, event(forced, "resumed"))).as("--recheck hashes all").isEqualTo(all);
        assertThat(field(PIECES, event(forced, "resumed"))).isEqualTo(all - 1);
    }

    /** Flips one byte of {@code file} keeping its size and mtime: a change only a hash can find. */
    private static void corruptKeepingStamp(Path file, long at) throws Exception {
        java.nio.file.attribute.FileTime mtime = Files.getLastModifiedTime(file);
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(at);
            int b = f.read();
            f.seek(at);
            f.write(b ^ 0x5a);
        }
        Files.setLastModifiedTime(file, mtime);
    }

    private static int exitOf(Path logs, String... args) throws Exception {
        try (BtgetProcess btget = BtgetProcess.start(logs, args)) {
            return btget.waitFor(60);
        }
    }

    @Test
    @Timeout(120)
    void aPieceVerifyFindsBadIsNoLongerClaimedSoTheNextSeedNeitherTrustsNorHashesIt() throws Exception {
        Path folder = dir.resolve("data").resolve("multi");
        Torrent torrent = multiFile(folder);
        Path torrentFile = dir.resolve("multi.torrent");
        Files.write(torrentFile, io.btget.metainfo.TorrentFileWriter.write(torrent));
        Path logs = dir.resolve("logs");
        String data = dir.resolve("data").toString();
        int all = torrent.pieceCount();
        String[] seedOnly = {"seed", torrentFile.toString(), "-d", data, "--json", "--no-dht", "-p", "0", "--bind",
            "127.0.0.1", "--seed-time", "0"};
        assertThat(event(run(logs, seedOnly), "resumed")).contains("\"pieces\":" + all);

        // a.bin is bytes 0..99 999: byte 5000 is in piece 0 (a.bin alone)
        Thread.sleep(20); // past the tick of the resume file's stamps
        corruptKeepingStamp(folder.resolve("a.bin"), 5000);
        String before = run(logs, seedOnly);
        assertThat(field(PIECES, event(before, "resumed"))).as("the damage is invisible to the stamps").isEqualTo(all);

        assertThat(exitOf(logs, "verify", torrentFile.toString(), "-d", data)).as("verify finds it").isEqualTo(6);
        int exit;
        String after;
        try (BtgetProcess btget = BtgetProcess.start(logs, seedOnly)) {
            exit = btget.waitFor(60);
            after = btget.stdout();
        }
        assertThat(field(PIECES, event(after, "resumed"))).as("the bad piece is not ours").isEqualTo(all - 1);
        assertThat(field(HASHED, event(after, "resumed"))).as("the rest proved by verify's resume file").isZero();
        assertThat(exit).as("seed: data incomplete").isEqualTo(6);

        // verify --select-file 3 (c.bin, bytes 200 000..299 999) after c.bin is damaged in piece 15 (245 760..):
        // that piece's claim goes; a.bin's state, which it did not check, stays as it was (piece 0 not ours)
        corruptKeepingStamp(folder.resolve("c.bin"), 250_000 - 200_000);
        assertThat(exitOf(logs, "verify", torrentFile.toString(), "-d", data, "--select-file", "3")).isEqualTo(6);
        String partial = run(logs, seedOnly);
        assertThat(field(PIECES, event(partial, "resumed"))).isEqualTo(all - 2);
        // piece 12 spans b.bin and c.bin: verify read it, but its b.bin part is outside the selection, so it is
        // left unknown and hashed now, alone
        assertThat(field(HASHED, event(partial, "resumed"))).isEqualTo(1);
    }
}
