package io.btget.interop;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every interop test shares: a temporary directory, the list of processes it started (all killed after the
 * test, newest first), and shortcuts to start btget and the real clients on 127.0.0.1.
 */
@Tag("interop")
abstract class InteropTestBase {
    @TempDir
    Path dir;

    private final Deque<AutoCloseable> started = new ArrayDeque<>();

    @BeforeEach
    void requireBuiltJar() {
        Tools.requireJar();
    }

    @AfterEach
    void stopEverythingStarted() {
        while (!started.isEmpty()) {
            try {
                started.pop().close();
            } catch (Exception e) {
                // keep closing the others
            }
        }
    }

    /** Registers something to close after the test. */
    <T extends AutoCloseable> T track(T process) {
        started.push(process);
        return process;
    }

    Path logs() {
        return dir.resolve("logs");
    }

    Path newDir(String name) throws IOException {
        return Files.createDirectories(dir.resolve(name));
    }

    Opentracker opentracker() throws IOException, InterruptedException {
        Tools.require("opentracker");
        return track(Opentracker.start(dir));
    }

    /** btget with {@code args}, always on 127.0.0.1 and with --json output. */
    BtgetProcess btget(String name, String... args) throws IOException {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--bind", "127.0.0.1", "--json"));
        return track(BtgetProcess.start(name, logs(), dir, all));
    }

    ManagedProcess aria2Seed(Path torrent, Path dataDir, int port, String... extra) throws IOException {
        Tools.require("aria2c");
        return track(Aria2.seed(logs(), torrent, dataDir, port, extra));
    }

    ManagedProcess libtorrentSeed(Path torrent, Path dataDir, int port) throws IOException, InterruptedException {
        Tools.requireLibtorrent();
        return track(LibtorrentSeeder.start(logs(), torrent, dataDir, port));
    }

    /** A transmission-cli seeder, running (past its first verify) when this returns; see {@link #startTransmission}. */
    ManagedProcess transmissionSeed(Path torrent, Path dataDir, int port) throws IOException, InterruptedException {
        return transmissionSeed(torrent, dataDir, port, -1);
    }

    /** As {@link #transmissionSeed(Path, Path, int)} with transmission's {@code encryption} setting (0-2; -1: its default). */
    ManagedProcess transmissionSeed(Path torrent, Path dataDir, int port, int encryption)
            throws IOException, InterruptedException {
        Tools.require("transmission-cli");
        // "Seeding" only after its verify: before it, a new torrent's status can show "Progress" for a moment
        return startTransmission(() -> encryption < 0 ? Transmission.seed(dir, torrent, dataDir, port)
                : Transmission.seed(dir, torrent, dataDir, port, encryption), "Seeding, ");
    }

    /** A transmission-cli downloader, running (past its first verify) when this returns; see {@link #startTransmission}. */
    ManagedProcess transmissionDownload(Path torrent, Path out, int port) throws IOException, InterruptedException {
        return transmissionDownload(torrent, out, port, -1);
    }

    /** As {@link #transmissionDownload(Path, Path, int)} with transmission's {@code encryption} setting (-1: default). */
    ManagedProcess transmissionDownload(Path torrent, Path out, int port, int encryption)
            throws IOException, InterruptedException {
        Tools.require("transmission-cli");
        // its verify (of no data yet) is over long before a status line reaches the file
        return startTransmission(() -> encryption < 0 ? Transmission.download(dir, torrent, out, port)
                : Transmission.download(dir, torrent, out, port, encryption), "Progress: ");
    }

    /** How long transmission-cli may take to verify what it has and start (a 30 s wait in the tests before). */
    private static final Duration TRANSMISSION_START = Duration.ofSeconds(45);
    /** Starts of transmission-cli before a quit before running is a failure: one lost race, not two or three. */
    private static final int TRANSMISSION_STARTS = 3;

    /** Starts a transmission-cli process; a separate interface as the start throws IOException. */
    private interface TransmissionStart {
        ManagedProcess start() throws IOException;
    }

    /**
     * Starts transmission-cli and waits until its status line shows {@code running} (on stdout) while it is alive,
     * starting it again (same port and config dir) when it quits by itself with status 0 before that.
     * transmission-cli 3.00 reads its torrent's state every 200 ms and exits when the torrent is stopped (cli/cli.c);
     * a new torrent is stopped for a moment after its first verify: the verify thread clears the verify state, then
     * the start is queued on the event thread (libtransmission/torrent.c onVerifyDone, torrentStart). On a loaded
     * machine a poll lands in that moment and the program exits having done nothing (seen in SeedToRealClientsIT:
     * "exited with 0 before output 'Progress'"). The next start finds its copy of the torrent in the config dir, so
     * it is no longer new and starts without a verify. Its stdout is a file, so block-buffered (about 10 s of status
     * lines a block): a status line is seen late, but seen after the moment it was printed in.
     */
    private ManagedProcess startTransmission(TransmissionStart start, String running)
            throws IOException, InterruptedException {
        for (int attempt = 1; ; attempt++) {
            ManagedProcess p = track(start.start());
            long deadline = System.nanoTime() + TRANSMISSION_START.toNanos();
            while (true) {
                boolean seen = p.stdout().contains(running);
                boolean alive = p.isAlive(); // after the read: a line flushed at exit is not taken for running
                if (seen && alive) {
                    return p;
                }
                if (!alive) {
                    int code = p.awaitExit(Duration.ofSeconds(5));
                    if (code != 0 || attempt >= TRANSMISSION_STARTS) {
                        throw new AssertionError(p.name() + " exited with " + code + " before running (start "
                                + attempt + ")\n" + p.describe());
                    }
                    System.err.println(p.name() + " quit before running (transmission 3.00's start race), start "
                            + (attempt + 1) + ":\n" + p.describe());
                    break;
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError(p.name() + ": not running within " + TRANSMISSION_START + "\n"
                            + p.describe());
                }
                Thread.sleep(100);
            }
        }
    }

    /** A python3-libtorrent peer (lt-peer.py), killed after the test. */
    LibtorrentPeer libtorrentPeer(String name, Path saveDir, LibtorrentPeer.Options options)
            throws IOException, InterruptedException {
        return track(LibtorrentPeer.start(dir, name, saveDir, options));
    }

    /** qbittorrent-nox with a fresh loopback profile, killed after the test. */
    Qbittorrent qbittorrent(String name) throws IOException, InterruptedException {
        return track(Qbittorrent.start(dir, name));
    }

    /** Everything the given processes printed, for failure messages. */
    static String logsOf(Object... processes) {
        StringBuilder sb = new StringBuilder();
        for (Object p : processes) {
            if (p instanceof Object[] more) {
                sb.append(logsOf(more));
            } else if (p instanceof ManagedProcess m) {
                sb.append("\n=== ").append(m.name()).append('\n').append(m.describe());
            } else if (p instanceof BtgetProcess b) {
                sb.append("\n=== btget\n").append(b.describe());
            } else if (p instanceof LibtorrentPeer l) {
                sb.append("\n=== ").append(l.process().name()).append('\n').append(l.describe());
            } else if (p instanceof Qbittorrent q) {
                sb.append("\n=== ").append(q.process().name()).append('\n').append(q.process().describe());
            }
        }
        return sb.toString();
    }
}
