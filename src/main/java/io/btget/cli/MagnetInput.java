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

    /** Exit 4 at once: with the DHT off, a magnet without trackers or peers cannot go anywhere. */
    static final String NOWHERE = "the magnet link has no tracker (tr=) and no peer (x.pe=), and no --peer or"
            + " --tracker was given: nowhere to find peers (the DHT is off: --no-dht)";

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
        for (String w : link.warnings()) {
            // What the user gave and we drop is shown without -v. Unusable peers and trackers are told apart
            // (warnUnusable, or named in the exit-4 message when nothing is left).
            if (!w.startsWith("magnet x.pe=") && !w.startsWith("magnet tr=")) {
                log.warn("{}", w);
            }
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

    /**
     * A magnet's {@code x.pe} peers.
     *
     * @param usable   the peers to dial, resolved, in the link's order
     * @param unusable each {@code x.pe} that cannot be dialled, named with why, one line each
     *                 ("x.pe= '127.0.0.1:0' has a port outside 1..65535 (no peer can listen there)")
     */
    record Peers(List<InetSocketAddress> usable, List<String> unusable) {
        Peers {
            usable = List.copyOf(usable);
            unusable = List.copyOf(unusable);
        }
    }

    /**
     * The {@code x.pe} peers, resolved. One that cannot be dialled is left out and named in {@link Peers#unusable}:
     * malformed or a port outside 1..65535 (refused by {@link MagnetLink#parse}, which says so in its warnings), a
     * host name that does not resolve, or an address no peer can have (wildcard, multicast).
     */
    static Peers resolvePeers(MagnetLink link) {
        List<String> unusable = new ArrayList<>();
        for (String w : link.warnings()) {
            if (w.startsWith("magnet x.pe=") || w.startsWith("magnet tr=")) {
                String line = w.substring("magnet ".length());
                unusable.add(line.endsWith(": ignored") ? line.substring(0, line.length() - ": ignored".length()) : line);
            }
        }
        List<InetSocketAddress> out = new ArrayList<>();
        for (String hostPort : link.peers()) {
            int colon = hostPort.lastIndexOf(':');
            String host = hostPort.substring(0, Math.max(0, colon));
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            String problem;
            try {
                int port = Integer.parseInt(hostPort.substring(colon + 1));
                InetAddress address = InetAddress.getByName(host);
                if (colon <= 0 || port < 1 || port > 65535) {
                    problem = "is not host:port"; // MagnetLink.parse keeps only host:port; kept as a guard
                } else if (address.isAnyLocalAddress() || address.isMulticastAddress()) {
                    problem = "is not an address a peer can have (" + address.getHostAddress() + ")";
                } else {
                    out.add(new InetSocketAddress(address, port));
                    continue;
                }
            } catch (NumberFormatException e) {
                problem = "is not host:port";
            } catch (UnknownHostException e) {
                problem = "names a host that cannot be resolved";
            }
            unusable.add("x.pe= '" + hostPort + "' " + problem);
        }
        return new Peers(out, unusable);
    }

    /** The {@code x.pe} peers we can dial (see {@link #resolvePeers}). */
    static List<InetSocketAddress> peers(MagnetLink link) {
        return resolvePeers(link).usable();
    }

    /**
     * The exit-4 message when there is nowhere to find peers: {@link #NOWHERE}, or, when the link named peers that
     * cannot be dialled, which and why.
     */
    static String nowhere(List<String> unusablePeers) {
        if (unusablePeers.isEmpty()) {
            return NOWHERE;
        }
        return "nothing in the magnet link can be used (" + String.join("; ", unusablePeers) + "), and no --peer or"
                + " --tracker was given: nowhere to find peers (the DHT is off: --no-dht)";
    }

    /** Each unusable {@code x.pe} as a warning (stderr), when other peer sources are left to try. */
    static void warnUnusable(Peers peers) {
        for (String u : peers.unusable()) {
            log.warn("magnet {}: ignored", u);
        }
    }

    /**
     * The stored torrent of a rerun with this magnet's peer sources added: its {@code tr} first (one tier each,
     * BEP 12: the link the user gives now is the freshest word on trackers), then the stored tiers without the
     * URLs already listed (an emptied tier is dropped); its {@code ws} after the stored web seeds, without
     * duplicates. The info dictionary is untouched.
     */
    static Torrent withMagnetSources(Torrent stored, MagnetLink magnet) {
        java.util.Set<String> seen = new java.util.HashSet<>(magnet.trackers());
        List<List<String>> tiers = new ArrayList<>(tiers(magnet));
        for (List<String> tier : stored.trackerTiers()) {
            List<String> rest = tier.stream().filter(seen::add).toList();
            if (!rest.isEmpty()) {
                tiers.add(rest);
            }
        }
        java.util.LinkedHashSet<String> webSeeds = new java.util.LinkedHashSet<>(stored.webSeeds());
        webSeeds.addAll(magnet.webSeeds());
        if (tiers.equals(stored.trackerTiers()) && webSeeds.size() == stored.webSeeds().size()) {
            return stored;
        }
        return new Torrent(stored.name(), stored.infoHash(), stored.infoHashV2(), stored.pieceLength(),
                stored.pieceHashes(), stored.files(), stored.multiFile(), tiers, List.copyOf(webSeeds),
                stored.isPrivate(), stored.comment(), stored.createdBy(), stored.creationDate(), stored.infoBytes(),
                stored.warnings(), stored.httpSeeds());
    }

    /**
     * {@code --save-torrent FILE}, checked before any metadata is fetched: a file is created (and removed) next to
     * FILE, so a missing or read-only folder is exit 5 at once, not after the fetch. FILE itself is written later
     * by {@link #saveTorrent}.
     */
    static void checkSaveTorrent(Path file) {
        Path abs = file.toAbsolutePath();
        if (Files.isDirectory(abs)) {
            throw new UserError(ExitCode.DISK, "--save-torrent: cannot write " + file + ": it is a directory");
        }
        try {
            Path parent = abs.getParent() == null ? abs : abs.getParent();
            Files.delete(Files.createTempFile(parent, ".btget-save-torrent-", ".probe"));
        } catch (IOException e) {
            throw new UserError(ExitCode.DISK, "--save-torrent: cannot write " + file + ": " + Main.reason(e));
        }
    }

    /**
     * Why a metadata stage that was not stopped ended without metadata, one line: {@code NO_PEERS} is "no peer
     * could be reached" (with the last tracker error, if any: whether a tracker answered is not known here), any
     * other outcome (stalled) is "no peer sent the metadata within" the stall timeout.
     */
    static String metadataNotFetched(io.btget.session.MetadataStage.Result r, io.btget.session.Config config) {
        return metadataNotFetched(r, config, false);
    }

    /** As above; {@code dhtSearched}: the DHT was searched too, and the message says it found no peer either. */
    static String metadataNotFetched(io.btget.session.MetadataStage.Result r, io.btget.session.Config config,
            boolean dhtSearched) {
        if (r.outcome() == io.btget.session.Outcome.NO_PEERS) {
            return "no peer could be reached to fetch the metadata"
                    + (dhtSearched ? ", and none was found through the DHT either" : "")
                    + r.lastTrackerError().map(e -> " (last tracker error: " + e + ")").orElse("");
        }
        return "no peer sent the metadata within " + Units.duration(config.stallTimeout().toSeconds());
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
