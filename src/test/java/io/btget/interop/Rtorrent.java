package io.btget.interop;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * rtorrent 0.9.8 in daemon mode ({@code system.daemon.set}) with a fresh session folder per process: DHT, PEX and
 * UDP trackers off, bound to 127.0.0.1, protocol encryption required (RC4 only, as
 * {@code protocol.encryption.set = require,require_RC4,allow_incoming,try_outgoing}). It refuses torrents without an
 * announce URL ("Could not find any trackers"): give it one, even a dead one. It seeds data already in
 * {@code dataDir} after checking it; a download creates {@code work/rtorrent-finished} when complete.
 */
final class Rtorrent {
    static final String FINISHED_MARKER = "rtorrent-finished";

    private Rtorrent() {
    }

    static ManagedProcess start(Path work, Path torrent, Path dataDir, int port) throws IOException {
        String name = "rtorrent-" + port;
        Path session = Files.createDirectories(work.resolve(name + "-session"));
        Files.createDirectories(dataDir);
        Path rc = work.resolve(name + ".rc");
        Files.writeString(rc, String.join("\n",
                "system.daemon.set = true",
                "directory.default.set = " + dataDir,
                "session.path.set = " + session,
                "network.port_range.set = " + port + "-" + port,
                "network.port_random.set = no",
                "network.bind_address.set = 127.0.0.1",
                "network.local_address.set = 127.0.0.1",
                "protocol.encryption.set = require,require_RC4,allow_incoming,try_outgoing",
                "dht.mode.set = disable",
                "protocol.pex.set = no",
                "trackers.use_udp.set = no",
                "method.set_key = event.download.finished,marker,\"execute.throw=touch," + work.resolve(FINISHED_MARKER)
                        + "\"",
                "log.open_file = main," + session.resolve("main.log"),
                "log.add_output = info,main",
                ""));
        return ManagedProcess.start(name, work.resolve("logs"), work,
                List.of("rtorrent", "-n", "-o", "import=" + rc, torrent.toString()));
    }
}
