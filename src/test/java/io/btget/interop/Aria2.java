package io.btget.interop;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** aria2c 1.36 on loopback: no DHT, LPD or PEX, IPv4 only, one listen port. */
final class Aria2 {
    private Aria2() {
    }

    private static List<String> base(Path torrent, Path dataDir, int port) {
        return new ArrayList<>(List.of("aria2c", "--enable-dht=false", "--bt-enable-lpd=false",
                "--enable-peer-exchange=false", "--disable-ipv6=true", "--listen-port=" + port,
                "--dir=" + dataDir, "--summary-interval=0", "--console-log-level=notice", "--auto-save-interval=0",
                "--file-allocation=none", "--bt-max-peers=55", "--no-conf=true"));
    }

    /** Seeds forever (until killed) after checking the data in {@code dataDir}. */
    static ManagedProcess seed(Path logDir, Path torrent, Path dataDir, int port, String... extra) throws IOException {
        List<String> cmd = base(torrent, dataDir, port);
        cmd.addAll(List.of("--check-integrity=true", "--bt-hash-check-seed=true", "--bt-seed-unverified=false",
                "--seed-ratio=0.0"));
        cmd.addAll(List.of(extra));
        cmd.add(torrent.toString());
        return ManagedProcess.start("aria2c-seed-" + port, logDir, Files.createDirectories(dataDir), cmd);
    }

    /**
     * Downloads a magnet link into {@code dataDir} (the info dictionary fetched from peers, BEP 9) and exits once the
     * download is complete. aria2 1.36 finds peers through the magnet's {@code tr=} (HTTP) trackers.
     */
    static ManagedProcess downloadMagnet(Path logDir, String magnet, Path dataDir, int port, String... extra)
            throws IOException {
        List<String> cmd = base(null, dataDir, port);
        cmd.addAll(List.of("--seed-time=0", "--bt-save-metadata=false"));
        cmd.addAll(List.of(extra));
        cmd.add(magnet);
        return ManagedProcess.start("aria2c-magnet-" + port, logDir, Files.createDirectories(dataDir), cmd);
    }

    /** Downloads into {@code dataDir} and exits once the download is complete. */
    static ManagedProcess download(Path logDir, Path torrent, Path dataDir, int port, String... extra)
            throws IOException {
        List<String> cmd = base(torrent, dataDir, port);
        cmd.add("--seed-time=0");
        cmd.addAll(List.of(extra));
        cmd.add(torrent.toString());
        return ManagedProcess.start("aria2c-get-" + port, logDir, Files.createDirectories(dataDir), cmd);
    }
}
