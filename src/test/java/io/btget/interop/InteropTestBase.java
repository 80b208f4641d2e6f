package io.btget.interop;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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

    ManagedProcess transmissionSeed(Path torrent, Path dataDir, int port) throws IOException {
        Tools.require("transmission-cli");
        return track(Transmission.seed(dir, torrent, dataDir, port));
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
