package io.btget.interop;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * lt-peer.py: a python3-libtorrent 2.0.8 peer on 127.0.0.1 that seeds or downloads a .torrent or a magnet link and
 * reports what it sees: its status (connected peers with their source flags and bytes each way) as a JSON file, and
 * libtorrent's peer_log alerts (every BitTorrent message in and out, e.g. {@code <== HAVE_ALL [  ]},
 * {@code <== REJECT_PIECE [ piece: 3 s: 4000 l: 4000 ]}, {@code <== PEX [ dropped: 0 added: 2 ]}) as a text file.
 * What libtorrent 2.0.8 prints was checked by running libtorrent against libtorrent.
 */
final class LibtorrentPeer implements AutoCloseable {
    /** peer_info.source bit for peers learned through PEX (libtorrent's peer_info::pex). */
    static final int SOURCE_PEX = 4;

    private final ManagedProcess process;
    private final int port;
    private final Path status;
    private final Path peerLog;

    private LibtorrentPeer(ManagedProcess process, int port, Path status, Path peerLog) {
        this.process = process;
        this.port = port;
        this.status = status;
        this.peerLog = peerLog;
    }

    /** What to start: a .torrent or a magnet, and lt-peer.py's options (see the script's header). */
    static final class Options {
        private final List<String> args = new ArrayList<>();
        private boolean seed;

        static Options torrent(Path torrent) {
            Options o = new Options();
            o.args.addAll(List.of("--torrent", torrent.toString()));
            return o;
        }

        static Options magnet(String magnet) {
            Options o = new Options();
            o.args.addAll(List.of("--magnet", magnet));
            return o;
        }

        /** Keeps running when complete and prints READY (start() waits for it). */
        Options seed() {
            seed = true;
            args.add("--seed");
            return this;
        }

        Options connect(int peerPort) {
            args.addAll(List.of("--connect", "127.0.0.1:" + peerPort));
            return this;
        }

        Options uploadLimit(int bytesPerSecond) {
            args.addAll(List.of("--upload-limit", Integer.toString(bytesPerSecond)));
            return this;
        }

        Options downloadLimit(int bytesPerSecond) {
            args.addAll(List.of("--download-limit", Integer.toString(bytesPerSecond)));
            return this;
        }

        Options unchokeSlots(int slots) {
            args.addAll(List.of("--unchoke-slots", Integer.toString(slots)));
            return this;
        }

        /** Keeps running when complete, without waiting for it to be complete (a partial peer). */
        Options keepRunning() {
            args.add("--seed");
            return this;
        }

        /** No ut_metadata: it cannot hand a magnet's info dictionary to anyone. */
        Options noMetadata() {
            args.add("--no-metadata");
            return this;
        }

        /** No ut_pex at all: it neither tells nor learns peers through PEX. */
        Options noPex() {
            args.add("--no-pex");
            return this;
        }

        /** libtorrent's protocol encryption: forced (RC4 only, both ways), disabled, or enabled (its default). */
        Options encryption(String mode) {
            args.addAll(List.of("--encryption", mode));
            return this;
        }

        Options timeoutSeconds(int seconds) {
            args.addAll(List.of("--timeout", Integer.toString(seconds)));
            return this;
        }
    }

    /** Starts it; a seeder ({@link Options#seed}) is returned once it is seeding. */
    static LibtorrentPeer start(Path work, String name, Path saveDir, Options options)
            throws IOException, InterruptedException {
        Tools.requireLibtorrent();
        Path script = work.resolve("lt-peer.py");
        if (!Files.exists(script)) {
            try (InputStream in = LibtorrentPeer.class.getResourceAsStream("lt-peer.py")) {
                Files.copy(in, script);
            }
        }
        int port = Ports.free();
        Path logs = Files.createDirectories(work.resolve("logs"));
        Path status = logs.resolve(name + ".status.json");
        Path peerLog = logs.resolve(name + ".peer-log");
        List<String> cmd = new ArrayList<>(List.of(Tools.SYSTEM_PYTHON, script.toString(), "--save",
                Files.createDirectories(saveDir).toString(), "--port", Integer.toString(port), "--status",
                status.toString(), "--peer-log", peerLog.toString()));
        cmd.addAll(options.args);
        ManagedProcess p = ManagedProcess.start(name, logs, work, cmd);
        LibtorrentPeer peer = new LibtorrentPeer(p, port, status, peerLog);
        if (options.seed) {
            try {
                p.awaitOutput("READY", Duration.ofSeconds(30));
            } catch (AssertionError | InterruptedException e) {
                p.close();
                throw e;
            }
        }
        return peer;
    }

    int port() {
        return port;
    }

    ManagedProcess process() {
        return process;
    }

    /** The last status snapshot (empty before the first one). */
    Map<String, Object> status() {
        try {
            return Files.exists(status) ? JsonLine.parseObject(Files.readString(status)) : Map.of();
        } catch (IOException | RuntimeException e) {
            return Map.of(); // replaced under our feet: read the next one
        }
    }

    /** The connected peers of the last snapshot: ip, port, source, outgoing, total_upload, total_download, pid. */
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> peers() {
        Object peers = status().get("peers");
        return peers instanceof List<?> l ? (List<Map<String, Object>>) l : List.of();
    }

    /** Waits until the last status snapshot has a connected peer whose port (at this end) is {@code peerPort}. */
    void awaitConnectedTo(int peerPort, Duration timeout) throws InterruptedException {
        process.await(() -> peers().stream().anyMatch(p -> number(p, "port") == peerPort), timeout,
                "a connection to port " + peerPort);
    }

    /** Bytes sent so far, per the last snapshot, to connected peers whose peer id starts with {@code pidPrefix}. */
    long uploadedTo(String pidPrefix) {
        return peers().stream().filter(p -> String.valueOf(p.get("pid")).startsWith(pidPrefix))
                .mapToLong(p -> number(p, "total_upload")).sum();
    }

    /** peer_log lines so far (one message or event per line). */
    List<String> peerLog() {
        try {
            return Files.exists(peerLog) ? List.of(Files.readString(peerLog, StandardCharsets.ISO_8859_1).split("\n"))
                    : List.of();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** peer_log lines that contain {@code text}, e.g. "<== HAVE_ALL" or "==> REJECT_PIECE". */
    List<String> peerLog(String text) {
        return peerLog().stream().filter(l -> l.contains(text)).toList();
    }

    void awaitPeerLog(String text, Duration timeout) throws InterruptedException {
        process.await(() -> !peerLog(text).isEmpty(), timeout, "peer_log line '" + text + "'");
    }

    /** Waits for exit (a downloader exits 0 when complete) and returns the exit code. */
    int awaitExit(Duration timeout) throws InterruptedException {
        return process.awaitExit(timeout);
    }

    static long number(Map<String, Object> map, String key) {
        Object v = map.get(key);
        return v instanceof Double d ? d.longValue() : 0;
    }

    String describe() {
        return process.describe() + "\n--- status: " + status();
    }

    @Override
    public void close() {
        process.close();
    }
}
