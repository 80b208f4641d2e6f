package io.btget.cli;

import io.btget.metainfo.InfoHash;
import io.btget.metainfo.InvalidTorrentException;
import io.btget.metainfo.MagnetLink;
import io.btget.metainfo.Torrent;
import io.btget.metainfo.TorrentFileWriter;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A magnet link as the user gives it: parsed, checked for what we support, its peers resolved. */
final class MagnetInput {
    private static final Logger log = LoggerFactory.getLogger(MagnetInput.class);

    /** Exit 4 at once: no DHT yet, so a magnet without trackers or peers cannot go anywhere. */
    static final String NOWHERE = "the magnet link has no tracker (tr=) and no peer (x.pe=), and no --peer or"
            + " --tracker was given: nowhere to find peers (btget has no DHT yet)";

    private MagnetInput() {
    }

    static boolean isMagnet(String arg) {
        return arg.regionMatches(true, 0, "magnet:", 0, 7);
    }

    /**
     * Parses {@code arg}; exit 3 with what is wrong when malformed, or when it is fine but unsupported (a v2-only
     * magnet).
     */
    static MagnetLink parse(String arg) {
        MagnetLink link;
        try {
            link = MagnetLink.parse(arg);
        } catch (InvalidTorrentException | IllegalArgumentException e) {
            throw new UserError(ExitCode.BAD_TORRENT, "bad magnet link: " + Main.oneLine(e));
        }
        if (link.infoHash().isEmpty()) {
            throw new UserError(ExitCode.BAD_TORRENT, "this magnet link has only a v2 info hash (xt=urn:btmh:):"
                    + " v2-only torrents are not supported; a hybrid magnet also carries xt=urn:btih:");
        }
        return link;
    }

    static InfoHash v1Hash(MagnetLink link) {
        return link.infoHash().orElseThrow();
    }

    /** Each {@code tr} in a tier of its own, in order (BEP 12: the magnet says nothing of tiers). */
    static List<List<String>> tiers(MagnetLink link) {
        return link.trackers().stream().map(List::of).toList();
    }

    /** The {@code x.pe} peers, resolved; one that cannot be is skipped (logged). */
    static List<InetSocketAddress> peers(MagnetLink link) {
        List<InetSocketAddress> out = new ArrayList<>();
        for (String hostPort : link.peers()) {
            int colon = hostPort.lastIndexOf(':');
            if (colon <= 0) {
                continue;
            }
            String host = hostPort.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            try {
                int port = Integer.parseInt(hostPort.substring(colon + 1));
                if (port >= 1 && port <= 65535) {
                    out.add(new InetSocketAddress(InetAddress.getByName(host), port));
                }
            } catch (NumberFormatException | UnknownHostException e) {
                log.info("magnet x.pe {} skipped: {}", hostPort, Main.oneLine(e));
            }
        }
        return out;
    }

    /** {@code --save-torrent FILE}: the torrent as a normal .torrent file (written atomically); exit 5 on failure. */
    static void saveTorrent(Torrent torrent, Path file) {
        try {
            Path abs = file.toAbsolutePath();
            Path tmp = abs.resolveSibling(abs.getFileName() + ".part");
            Files.write(tmp, TorrentFileWriter.write(torrent));
            Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            log.info("saved the torrent to {}", abs);
        } catch (IOException e) {
            throw new UserError(ExitCode.DISK, "--save-torrent: cannot write " + file + ": " + Main.reason(e));
        }
    }
}
