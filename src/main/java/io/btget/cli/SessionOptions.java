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
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The flags shared by the commands that run a torrent session (download, seed). */
final class SessionOptions {
    /** {@code --encryption}'s help, shared with {@code stream}. */
    static final String ENCRYPTION_DESCRIPTION = "Protocol encryption (MSE/PE, RC4): prefer, require or off (default: ${DEFAULT-VALUE}). prefer, as Transmission's default, opens every connection with the encrypted handshake (retrying in plain text once if the peer cannot do it), accepts both kinds of incoming connection, and encrypts the data whenever the other side asks for it (between two peers that accept either, the data stays plain, as libtorrent does: RC4 costs CPU); require encrypts every connection and talks only to peers that can; off speaks plain BitTorrent only.";

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

    @Option(names = "--stall-timeout", paramLabel = "DURATION", description = "Give up (exit 4) when nothing progresses for this long: 90, 30s, 5m; 0 or inf: never (default: ${DEFAULT-VALUE}).")
    String stallTimeout = "3m";

    @Option(names = "--download-limit", paramLabel = "RATE", description = "Bytes per second over all peers: 500K, 2M (default: no limit).")
    String downloadLimit = "0";

    @Option(names = "--upload-limit", paramLabel = "RATE", description = "Bytes per second over all peers: 500K, 2M (default: no limit).")
    String uploadLimit = "0";

    @Option(names = "--hash-threads", paramLabel = "N", description = "Threads that check existing data (default: all cores).")
    int hashThreads = Runtime.getRuntime().availableProcessors();

    @Option(names = "--recheck", description = "Hash every piece on disk at start, ignoring the resume file (kept in the state directory, see README).")
    boolean recheck;

    @Option(names = "--json", description = "One JSON object per line on stdout (progress and events).")
    boolean json;

    @Option(names = "--progress", paramLabel = "MODE", description = "auto, live, plain or none (default: ${DEFAULT-VALUE}: live on a terminal, plain lines otherwise).")
    ProgressViews.Mode progress = ProgressViews.Mode.AUTO;

    @Option(names = "--no-dht", description = "Run no DHT node (BEP 5): peers come from trackers, the magnet, --peer and peer exchange only. A private torrent never uses the DHT.")
    boolean noDht;

    @Option(names = "--encryption", paramLabel = "MODE", description = ENCRYPTION_DESCRIPTION)
    String encryption = "prefer";

    @Mixin
    DhtOptions dht = new DhtOptions();

    @Mixin
    SelectionOptions select = new SelectionOptions();

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
        checkThreads("--hash-threads", hashThreads);
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
        trackers.forEach(t -> AnnounceUrls.checkTracker("--tracker", t));
        Config config = new Config(dir, bindAddress, port == null ? 6881 : port, maxPeers, maxUploads, trackers, peerAddresses,
                stallTimeout(stallTimeout), size("--download-limit", downloadLimit),
                size("--upload-limit", uploadLimit), seed, hashThreads, seedOnly);
        config = config.withDht(dht.settings(!noDht))
                .withResume(new Config.Resume(io.btget.storage.StateDir.resumeDir(), recheck))
                .withEncryption(encryptionPolicy(encryption));
        return port == null ? config : config.withExplicitPort();
    }

    /** {@code --encryption}: prefer, require or off. */
    static io.btget.mse.Encryption encryptionPolicy(String value) {
        try {
            return io.btget.mse.Encryption.parse(value);
        } catch (IllegalArgumentException e) {
            throw new UserError(ExitCode.USAGE, "--encryption must be prefer, require or off, got \"" + value + "\"");
        }
    }

    /** The most threads a hashing option takes: more only adds memory (a piece buffer each) and contention. */
    static final int MAX_THREADS = 256;

    static void checkThreads(String flag, int n) {
        if (n < 1 || n > MAX_THREADS) {
            throw new UserError(ExitCode.USAGE, flag + " must be 1.." + MAX_THREADS + ", got " + n);
        }
    }

    /** {@code --stall-timeout}: a duration; 0 or inf mean never give up ({@link Duration#ZERO} in {@link Config}). */
    static Duration stallTimeout(String text) {
        return Units.isUnlimited(text) ? Duration.ZERO : duration("--stall-timeout", text);
    }

    /**
     * What to do once the download is complete, from {@code --seed}, {@code --seed-ratio R|inf} and
     * {@code --seed-time DURATION|inf}, as aria2c reads them: none of them: do not seed (unless {@code seedByDefault},
     * for {@code seed}); {@code --seed-time 0}: do not seed, whatever else is given; otherwise seed until the ratio
     * or the time is reached, whichever comes first, and without a limit when neither is given or both are inf.
     */
    static Config.SeedPolicy seedPolicy(boolean seed, String seedRatio, String seedTime, boolean seedByDefault) {
        double ratio = 0;
        if (seedRatio != null && !Units.isUnlimited(seedRatio)) {
            try {
                ratio = Double.parseDouble(seedRatio.trim());
            } catch (NumberFormatException e) {
                ratio = Double.NaN;
            }
            if (!(ratio > 0) || Double.isInfinite(ratio) || seedRatio.toLowerCase(java.util.Locale.ROOT).contains("x")) {
                throw new UserError(ExitCode.USAGE, "--seed-ratio must be a positive number or inf, got '" + seedRatio
                        + "' (--seed-time 0 means do not seed)");
            }
        }
        Duration time = Duration.ZERO;
        if (seedTime != null && !Units.isUnlimited(seedTime)) {
            time = duration("--seed-time", seedTime);
            if (time.isZero()) {
                return Config.SeedPolicy.NONE;
            }
        }
        if (!seed && seedRatio == null && seedTime == null && !seedByDefault) {
            return Config.SeedPolicy.NONE;
        }
        return new Config.SeedPolicy(true, ratio, time);
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

    static InetSocketAddress parsePeer(String text) {
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
