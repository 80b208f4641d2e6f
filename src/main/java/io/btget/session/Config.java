package io.btget.session;

import io.btget.mse.Encryption;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Everything a torrent session is told by its user, built once by the CLI (one immutable settings object, as
 * libtorrent's settings_pack).
 *
 * @param outputDir     where the data lives (multi-file torrents in a folder named after the torrent)
 * @param bind          address to listen on
 * @param port          preferred listen port (the next free one is taken when busy)
 * @param maxPeers      connection limit
 * @param maxUploads    peers unchoked at once (including the optimistic one)
 * @param extraTrackers trackers added to the torrent's own (each its own tier, tried after the torrent's)
 * @param extraPeers    peers to dial directly, tracker or not
 * @param stallTimeout  give up (exit 4) when nothing progresses for this long; {@link Duration#ZERO}: never give up;
 *                      at most 100 years (so that it fits a long of nanoseconds)
 * @param downloadLimit bytes per second over all peers, 0 for no limit
 * @param uploadLimit   bytes per second over all peers, 0 for no limit
 * @param seed          what to do once complete
 * @param hashThreads   threads for the initial check
 * @param seedOnly      refuse to download: after the check, stop with {@link Outcome#INCOMPLETE} unless complete
 * @param portExplicit  the user chose {@code port} ({@code -p}): it must be free; otherwise a taken one falls forward
 * @param dht           the process's DHT node (BEP 5); {@link DhtSettings#OFF} unless the CLI turned it on
 * @param resume        where resume files are kept, and whether to ignore them ({@code --recheck});
 *                      {@link Resume#OFF} unless the CLI turned them on
 * @param encryption    protocol encryption (MSE) for the process's connections ({@code --encryption}); the CLI's
 *                      default is {@link Encryption#PREFER}, a config built without it has {@link Encryption#OFF}
 */
public record Config(
        Path outputDir,
        InetAddress bind,
        int port,
        int maxPeers,
        int maxUploads,
        List<String> extraTrackers,
        List<InetSocketAddress> extraPeers,
        Duration stallTimeout,
        long downloadLimit,
        long uploadLimit,
        SeedPolicy seed,
        int hashThreads,
        boolean seedOnly,
        boolean portExplicit,
        DhtSettings dht,
        Resume resume,
        Encryption encryption) {

    public Config {
        java.util.Objects.requireNonNull(dht, "dht");
        java.util.Objects.requireNonNull(encryption, "encryption");
        java.util.Objects.requireNonNull(resume, "resume");
        extraTrackers = List.copyOf(extraTrackers);
        extraPeers = List.copyOf(extraPeers);
        if (stallTimeout.isNegative() || stallTimeout.compareTo(MAX_TIMEOUT) > 0) {
            throw new IllegalArgumentException("stall timeout " + stallTimeout + " outside 0 .. " + MAX_TIMEOUT);
        }
    }

    /** The longest stall timeout: 100 years. */
    public static final Duration MAX_TIMEOUT = Duration.ofDays(36_500);

    /** Whether {@code nanosWithoutProgress} of no progress means giving up ({@link #stallTimeout}). */
    public boolean stalledAfter(long nanosWithoutProgress) {
        return !stallTimeout.isZero() && nanosWithoutProgress > stallTimeout.toNanos();
    }

    /** As the canonical constructor, with no protocol encryption. */
    public Config(Path outputDir, InetAddress bind, int port, int maxPeers, int maxUploads, List<String> extraTrackers,
            List<InetSocketAddress> extraPeers, Duration stallTimeout, long downloadLimit, long uploadLimit,
            SeedPolicy seed, int hashThreads, boolean seedOnly, boolean portExplicit, DhtSettings dht, Resume resume) {
        this(outputDir, bind, port, maxPeers, maxUploads, extraTrackers, extraPeers, stallTimeout, downloadLimit,
                uploadLimit, seed, hashThreads, seedOnly, portExplicit, dht, resume, Encryption.OFF);
    }

    /** As the canonical constructor, with no DHT. */
    public Config(Path outputDir, InetAddress bind, int port, int maxPeers, int maxUploads, List<String> extraTrackers,
            List<InetSocketAddress> extraPeers, Duration stallTimeout, long downloadLimit, long uploadLimit,
            SeedPolicy seed, int hashThreads, boolean seedOnly, boolean portExplicit) {
        this(outputDir, bind, port, maxPeers, maxUploads, extraTrackers, extraPeers, stallTimeout, downloadLimit,
                uploadLimit, seed, hashThreads, seedOnly, portExplicit, DhtSettings.OFF, Resume.OFF);
    }

    /** As the canonical constructor, with the port a default that may fall forward when taken, and no DHT. */
    public Config(Path outputDir, InetAddress bind, int port, int maxPeers, int maxUploads, List<String> extraTrackers,
            List<InetSocketAddress> extraPeers, Duration stallTimeout, long downloadLimit, long uploadLimit,
            SeedPolicy seed, int hashThreads, boolean seedOnly) {
        this(outputDir, bind, port, maxPeers, maxUploads, extraTrackers, extraPeers, stallTimeout, downloadLimit,
                uploadLimit, seed, hashThreads, seedOnly, false);
    }

    /** This config with {@code port} chosen by the user (it must be free). */
    public Config withExplicitPort() {
        return new Config(outputDir, bind, port, maxPeers, maxUploads, extraTrackers, extraPeers, stallTimeout,
                downloadLimit, uploadLimit, seed, hashThreads, seedOnly, true, dht, resume, encryption);
    }

    /** This config with the DHT settings {@code settings}. */
    public Config withDht(DhtSettings settings) {
        return new Config(outputDir, bind, port, maxPeers, maxUploads, extraTrackers, extraPeers, stallTimeout,
                downloadLimit, uploadLimit, seed, hashThreads, seedOnly, portExplicit, settings, resume, encryption);
    }

    /** This config with the resume-file settings {@code settings}. */
    public Config withResume(Resume settings) {
        return new Config(outputDir, bind, port, maxPeers, maxUploads, extraTrackers, extraPeers, stallTimeout,
                downloadLimit, uploadLimit, seed, hashThreads, seedOnly, portExplicit, dht, settings, encryption);
    }

    /** This config with the protocol-encryption policy {@code policy}. */
    public Config withEncryption(Encryption policy) {
        return new Config(outputDir, bind, port, maxPeers, maxUploads, extraTrackers, extraPeers, stallTimeout,
                downloadLimit, uploadLimit, seed, hashThreads, seedOnly, portExplicit, dht, resume, policy);
    }

    /**
     * Resume files ({@code io.btget.storage.ResumeFile}): kept in {@code dir} when it is not null; {@code recheck}
     * hashes every piece at start whatever the resume file says ({@code --recheck}), and saves a new one.
     */
    public record Resume(Path dir, boolean recheck) {
        /** No resume file: every start hashes what is on disk (the library default; tests that build sessions). */
        public static final Resume OFF = new Resume(null, false);
    }

    /**
     * When to stop seeding after the download completes: never start ({@link #NONE}), never stop
     * ({@link #FOREVER}), or when the ratio or the time is reached, whichever comes first.
     *
     * @param enabled whether to seed at all once complete
     * @param ratio   uploaded / torrent size to reach; 0: no ratio limit
     * @param time    how long to seed; {@link Duration#ZERO}: no time limit (not seeding is {@code enabled=false})
     */
    public record SeedPolicy(boolean enabled, double ratio, Duration time) {
        public static final SeedPolicy NONE = new SeedPolicy(false, 0, Duration.ZERO);
        public static final SeedPolicy FOREVER = new SeedPolicy(true, 0, Duration.ZERO);

        public boolean done(double currentRatio, Duration seededFor) {
            if (!enabled) {
                return true;
            }
            boolean byRatio = ratio > 0 && currentRatio >= ratio;
            boolean byTime = !time.isZero() && seededFor.compareTo(time) >= 0;
            return byRatio || byTime;
        }
    }
}
