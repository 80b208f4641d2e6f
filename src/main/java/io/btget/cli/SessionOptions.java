package io.btget.cli;

import io.btget.cli.progress.ProgressViews;
import io.btget.peer.Limits;
import io.btget.session.Config;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** The flags shared by the commands that run a torrent session (download, seed). */
final class SessionOptions {
    @Option(names = {"-d", "--dir"}, paramLabel = "DIR", description = "Where the data goes (default: current directory).")
    Path dir = Path.of(".");

    @Option(names = {"-p", "--port"}, paramLabel = "PORT", description = "Port to listen on for peers; it must be free (default: 6881, or the next free one when taken; 0 for any).")
    Integer port;

    @Option(names = "--bind", paramLabel = "ADDR", description = "Address to listen on (default: all interfaces).")
    String bind = "0.0.0.0";

    @Option(names = "--max-peers", paramLabel = "N", description = "Most peer connections at once (default: ${DEFAULT-VALUE}).")
    int maxPeers = Limits.DEFAULT_MAX_PEERS;

    @Option(names = "--max-uploads", paramLabel = "N", description = "Peers we upload to at once (default: ${DEFAULT-VALUE}).")
    int maxUploads = 4;

    @Option(names = {"-t", "--tracker"}, paramLabel = "URL", description = "An extra tracker (repeatable); tried after the torrent's own.")
    List<String> trackers = new ArrayList<>();

    @Option(names = "--peer", paramLabel = "HOST:PORT", description = "A peer to connect to directly (repeatable).")
    List<String> peers = new ArrayList<>();

    @Option(names = "--stall-timeout", paramLabel = "DURATION", description = "Give up (exit 4) when nothing progresses for this long: 90, 30s, 5m (default: ${DEFAULT-VALUE}).")
    String stallTimeout = "3m";

    @Option(names = "--download-limit", paramLabel = "RATE", description = "Bytes per second over all peers: 500K, 2M (default: no limit).")
    String downloadLimit = "0";

    @Option(names = "--upload-limit", paramLabel = "RATE", description = "Bytes per second over all peers: 500K, 2M (default: no limit).")
    String uploadLimit = "0";

    @Option(names = "--hash-threads", paramLabel = "N", description = "Threads that check existing data (default: all cores).")
    int hashThreads = Runtime.getRuntime().availableProcessors();

    @Option(names = "--json", description = "One JSON object per line on stdout (progress and events).")
    boolean json;

    @Option(names = "--progress", paramLabel = "MODE", description = "auto, live, plain or none (default: ${DEFAULT-VALUE}: live on a terminal, plain lines otherwise).")
    ProgressViews.Mode progress = ProgressViews.Mode.AUTO;

    Config toConfig(Config.SeedPolicy seed) {
        return toConfig(seed, false);
    }

    Config toConfig(Config.SeedPolicy seed, boolean seedOnly) {
        if (maxPeers < 1 || maxPeers > Limits.MAX_PEERS_CEILING) {
            throw new UserError(ExitCode.USAGE, "--max-peers must be 1.." + Limits.MAX_PEERS_CEILING);
        }
        if (maxUploads < 1) {
            throw new UserError(ExitCode.USAGE, "--max-uploads must be at least 1");
        }
        if (port != null && (port < 0 || port > 65535)) {
            throw new UserError(ExitCode.USAGE, "--port must be 0..65535");
        }
        if (hashThreads < 1) {
            throw new UserError(ExitCode.USAGE, "--hash-threads must be at least 1");
        }
        InetAddress bindAddress;
        try {
            bindAddress = InetAddress.getByName(bind);
        } catch (UnknownHostException e) {
            throw new UserError(ExitCode.USAGE, "--bind: unknown address " + bind);
        }
        List<InetSocketAddress> peerAddresses = new ArrayList<>();
        for (String p : peers) {
            peerAddresses.add(parsePeer(p));
        }
        for (String t : trackers) {
            String lower = t.toLowerCase(java.util.Locale.ROOT);
            if (!(lower.startsWith("http://") || lower.startsWith("https://") || lower.startsWith("udp://"))) {
                throw new UserError(ExitCode.USAGE, "--tracker must be an http://, https:// or udp:// URL: " + t);
            }
        }
        Config config = new Config(dir, bindAddress, port == null ? 6881 : port, maxPeers, maxUploads, trackers, peerAddresses,
                duration("--stall-timeout", stallTimeout), size("--download-limit", downloadLimit),
                size("--upload-limit", uploadLimit), seed, hashThreads, seedOnly);
        return port == null ? config : config.withExplicitPort();
    }

    /** Seeding until {@code --seed-ratio} or {@code --seed-time} (either may be absent: then until a signal). */
    static Config.SeedPolicy seedPolicy(Double seedRatio, String seedTime) {
        if (seedRatio != null && !(seedRatio > 0)) {
            throw new UserError(ExitCode.USAGE, "--seed-ratio must be positive");
        }
        return new Config.SeedPolicy(true, seedRatio == null ? 0 : seedRatio,
                seedTime == null ? Duration.ZERO : duration("--seed-time", seedTime));
    }

    static Duration duration(String flag, String text) {
        try {
            return Units.parseDuration(text);
        } catch (IllegalArgumentException e) {
            throw new UserError(ExitCode.USAGE, flag + ": " + e.getMessage());
        }
    }

    static long size(String flag, String text) {
        try {
            return Units.parseSize(text);
        } catch (IllegalArgumentException e) {
            throw new UserError(ExitCode.USAGE, flag + ": " + e.getMessage());
        }
    }

    private static InetSocketAddress parsePeer(String text) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0) {
            throw new UserError(ExitCode.USAGE, "--peer must be HOST:PORT: " + text);
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        try {
            int port = Integer.parseInt(text.substring(colon + 1));
            if (port < 1 || port > 65535) {
                throw new NumberFormatException();
            }
            return new InetSocketAddress(InetAddress.getByName(host), port);
        } catch (NumberFormatException e) {
            throw new UserError(ExitCode.USAGE, "--peer: bad port in " + text);
        } catch (UnknownHostException e) {
            throw new UserError(ExitCode.USAGE, "--peer: unknown host " + host);
        }
    }
}
