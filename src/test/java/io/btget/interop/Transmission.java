package io.btget.interop;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * transmission-cli 3.00 with a fresh config dir per process: DHT, LPD, PEX, uTP and port forwarding off, bound to
 * 127.0.0.1, plaintext preferred. It never dials loopback peers itself (real-peers.md): peers must dial it.
 */
final class Transmission {
    /** A file transmission-cli's finish script ({@code -f}) creates when the download completes. */
    static final String FINISHED_MARKER = "transmission-finished";

    private Transmission() {
    }

    /** Seeds the data in {@code dataDir}; its stdout says "Seeding" once verified. */
    static ManagedProcess seed(Path work, Path torrent, Path dataDir, int port) throws IOException {
        return start(work, torrent, dataDir, port, "transmission-seed-" + port, 0);
    }

    /**
     * As {@link #seed}, with transmission's {@code encryption} setting: 0 prefer plaintext, 1 prefer encryption,
     * 2 require encryption.
     */
    static ManagedProcess seed(Path work, Path torrent, Path dataDir, int port, int encryption) throws IOException {
        return start(work, torrent, dataDir, port, "transmission-seed-" + port, encryption);
    }

    /** As {@link #download}, with transmission's {@code encryption} setting (see {@link #seed(Path, Path, Path, int, int)}). */
    static ManagedProcess download(Path work, Path torrent, Path dataDir, int port, int encryption)
            throws IOException {
        return start(work, torrent, dataDir, port, "transmission-get-" + port, encryption);
    }

    /** Downloads into {@code dataDir}; {@code work/FINISHED_MARKER} appears when done (it keeps running). */
    static ManagedProcess download(Path work, Path torrent, Path dataDir, int port) throws IOException {
        return start(work, torrent, dataDir, port, "transmission-get-" + port, 0);
    }

    private static ManagedProcess start(Path work, Path torrent, Path dataDir, int port, String name,
            int encryption) throws IOException {
        Path config = Files.createDirectories(work.resolve(name + "-config"));
        Files.createDirectories(dataDir);
        Files.writeString(config.resolve("settings.json"), "{\n"
                + "  \"dht-enabled\": false, \"lpd-enabled\": false, \"pex-enabled\": false, \"utp-enabled\": false,\n"
                + "  \"port-forwarding-enabled\": false, \"bind-address-ipv4\": \"127.0.0.1\",\n"
                + "  \"bind-address-ipv6\": \"::1\", \"encryption\": " + encryption + ", \"peer-port\": " + port + ",\n"
                + "  \"rpc-enabled\": false, \"message-level\": 2, \"speed-limit-up-enabled\": false,\n"
                + "  \"speed-limit-down-enabled\": false, \"blocklist-enabled\": false\n}\n");
        Path marker = work.resolve(FINISHED_MARKER);
        Path script = work.resolve(name + "-finished.sh");
        Files.writeString(script, "#!/bin/sh\ntouch '" + marker + "'\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        return ManagedProcess.start(name, work.resolve("logs"), work, List.of("transmission-cli", "-g",
                config.toString(), "-w", dataDir.toString(), "-p", Integer.toString(port), "-f", script.toString(),
                torrent.toString()));
    }
}
