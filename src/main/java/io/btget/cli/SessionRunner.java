package io.btget.cli;

import io.btget.cli.progress.MetadataLine;
import io.btget.cli.progress.ProgressView;
import io.btget.cli.progress.ProgressViews;
import io.btget.cli.progress.StatusLine;
import io.btget.metainfo.InfoHash;
import io.btget.metainfo.InvalidTorrentException;
import io.btget.metainfo.MagnetLink;
import io.btget.metainfo.Torrent;
import io.btget.session.MetadataStage;
import io.btget.storage.MetadataStore;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import io.btget.session.Config;
import io.btget.session.Outcome;
import io.btget.session.SessionException;
import io.btget.session.SessionListener;
import io.btget.session.Stats;
import io.btget.storage.StorageException;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs a torrent session in the foreground: progress view, signals, summary line, exit code. */
final class SessionRunner {
    private static final Logger log = LoggerFactory.getLogger(SessionRunner.class);

    private SessionRunner() {
    }

    static int run(Torrent torrent, Config config, SessionOptions options, PrintWriter out) {
        return run(torrent, config, options, out, session -> { });
    }

    /** As {@link #run(Torrent, Config, SessionOptions, PrintWriter)}, with {@code attach} given the session before it runs. */
    static int run(Torrent torrent, Config config, SessionOptions options, PrintWriter out,
            java.util.function.Consumer<io.btget.session.TorrentSession> attach) {
        return run(torrent, config, options, out, attach, TorrentHost.Limits.NONE);
    }

    /** As above, with the torrent's own rate limits under the global ones. */
    static int run(Torrent torrent, Config config, SessionOptions options, PrintWriter out,
            java.util.function.Consumer<io.btget.session.TorrentSession> attach, TorrentHost.Limits limits) {
        io.btget.metainfo.FileSelection selection = SelectionOptions.resolve(options.select.request(), torrent.files());
        try (ProgressView view = ProgressViews.choose(options.json, options.progress, LoggingOptions.quiet(), out);
                io.btget.client.Client client = io.btget.client.Client.of(config)) {
            Stopper stopper = new Stopper();
            Signals.onStop(code -> stopper.stop());
            return runSession(TorrentHost.of(client, limits), view, torrent, config, options, List.of(), null, stopper,
                    selection, attach, t -> null);
        }
    }

    /**
     * A magnet download: the metadata from the store (a rerun) or from peers (BEP 9), then the download as for a
     * .torrent, in one process (one client, one listen port) and one progress view.
     *
     * @param saveTorrent where to write the fetched metadata as a .torrent ({@code --save-torrent}), or null
     */
    static int runMagnet(MagnetLink magnet, Config config, SessionOptions options, PrintWriter out, Path saveTorrent) {
        return runMagnet(magnet, config, options, out, saveTorrent, session -> { });
    }

    /** As {@link #runMagnet(MagnetLink, Config, SessionOptions, PrintWriter, Path)}, with {@code attach} as in {@link #run}. */
    static int runMagnet(MagnetLink magnet, Config config, SessionOptions options, PrintWriter out, Path saveTorrent,
            java.util.function.Consumer<io.btget.session.TorrentSession> attach) {
        return runMagnet(magnet, config, options, out, saveTorrent, attach, TorrentHost.Limits.NONE);
    }

    /** As above, with the torrent's own rate limits under the global ones. */
    static int runMagnet(MagnetLink magnet, Config config, SessionOptions options, PrintWriter out, Path saveTorrent,
            java.util.function.Consumer<io.btget.session.TorrentSession> attach, TorrentHost.Limits limits) {
        MagnetPlan plan = prepareMagnet(magnet, config, options, saveTorrent);
        try (ProgressView view = ProgressViews.choose(options.json, options.progress, LoggingOptions.quiet(), out);
                io.btget.client.Client client = io.btget.client.Client.of(config)) {
            Stopper stopper = new Stopper();
            Signals.onStop(code -> stopper.stop());
            return runMagnet(TorrentHost.of(client, limits), view, plan, config, options, saveTorrent, stopper, attach,
                    t -> null);
        }
    }

    /** What a magnet needs before any network: checked up front, so a bad magnet fails before the others start. */
    record MagnetPlan(MagnetLink magnet, InfoHash infoHash, io.btget.metainfo.FileSelection.Request request,
            List<List<String>> tiers, List<InetSocketAddress> magnetPeers, MetadataStore store, Optional<Torrent> cached) {
    }

    /**
     * The checks of a magnet that need no network: its peers and trackers, the --save-torrent file, the stored
     * metadata of a rerun.
     *
     * @throws UserError when the magnet has nowhere to get the metadata from, or --save-torrent is unusable
     */
    static MagnetPlan prepareMagnet(MagnetLink magnet, Config config, SessionOptions options, Path saveTorrent) {
        InfoHash infoHash = MagnetInput.v1Hash(magnet);
        // BEP 53 so= counts when the user chose nothing; a bad --select-file fails before any network
        io.btget.metainfo.FileSelection.Request request = options.select.request().withSelectOnly(magnet.selectOnly());
        List<List<String>> tiers = MagnetInput.tiers(magnet);
        MagnetInput.Peers resolved = MagnetInput.resolvePeers(magnet);
        List<InetSocketAddress> magnetPeers = resolved.usable();
        if (saveTorrent != null) {
            MagnetInput.checkSaveTorrent(saveTorrent);
        }
        MetadataStore store = MetadataStore.forCurrentUser();
        Optional<Torrent> cached = store.load(infoHash).map(t -> MagnetInput.withMagnetSources(t, magnet));
        if (cached.isEmpty() && !MetadataStage.hasPeerSources(tiers, magnetPeers, config)) {
            throw new UserError(ExitCode.NETWORK, MagnetInput.nowhere(resolved.unusable()));
        }
        MagnetInput.warnUnusable(resolved);
        return new MagnetPlan(magnet, infoHash, request, tiers, magnetPeers, store, cached);
    }

    /**
     * A prepared magnet on {@code client}: the metadata stage (unless stored), then the session.
     *
     * @param claim given the torrent once its metadata is known: null to go on, or why it must not run (its name
     *              is taken by another torrent of this process)
     */
    static int runMagnet(io.btget.session.SessionHost client, ProgressView view, MagnetPlan plan, Config config,
            SessionOptions options, Path saveTorrent, Stopper stopper,
            java.util.function.Consumer<io.btget.session.TorrentSession> attach,
            java.util.function.Function<Torrent, String> claim) {
        MagnetLink magnet = plan.magnet();
        InfoHash infoHash = plan.infoHash();
        MetadataStore store = plan.store();
        Torrent torrent;
        List<InetSocketAddress> peers = plan.magnetPeers();
        MetadataStage.Handover handover = null;
        if (plan.cached().isPresent()) {
            torrent = plan.cached().get();
            cachedEvent(view, torrent, store.pathOf(infoHash));
        } else {
            MetadataStage.Result r;
            MetadataStage stage = new MetadataStage(client, infoHash, plan.tiers(), magnet.webSeeds(), plan.magnetPeers(),
                    config, new Listener(view, null, config.dht().enabled()));
            stopper.set(stage::requestStop);
            if (options.json) {
                Map<String, Object> start = new LinkedHashMap<>();
                start.put("infoHash", infoHash.hex());
                magnet.displayName().ifPresent(n -> start.put("name", n));
                view.event("fetching_metadata", "", start);
            } else {
                log.info("fetching the metadata of {} from peers", infoHash.hex());
            }
            try {
                r = stage.run();
            } catch (io.btget.net.Listener.ListenException e) {
                fail(view, options.json, "btget: " + e.getMessage(), Map.of("event", "error", "message", e.getMessage(),
                        "infoHash", infoHash.hex()));
                return e.badAddress() ? ExitCode.USAGE.code : ExitCode.NETWORK.code;
            } catch (InvalidTorrentException e) {
                String msg = "metadata from peers refused: " + Main.oneLine(e);
                fail(view, options.json, "btget: " + msg, Map.of("event", "error", "message", msg,
                        "infoHash", infoHash.hex()));
                return ExitCode.BAD_TORRENT.code;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                r = new MetadataStage.Result(Optional.empty(), Outcome.INTERRUPTED, List.of(), Optional.empty());
            }
            if (r.torrent().isEmpty()) {
                return metadataFailed(view, options.json, r, config, infoHash, stage.stats(), stage.dhtSearched());
            }
            torrent = r.torrent().get();
            peers = r.peers();
            handover = r.handover();
            try {
                store.save(torrent);
            } catch (IOException | RuntimeException e) {
                log.warn("could not keep the metadata in {}: {}", store.directory(), Main.oneLine(e));
            }
        }
        if (saveTorrent != null) {
            MagnetInput.saveTorrent(torrent, saveTorrent);
        }
        io.btget.metainfo.FileSelection selection = SelectionOptions.resolve(plan.request(), torrent.files());
        return runSession(client, view, torrent, config, options, peers, handover, stopper, selection, attach, claim);
    }

    /**
     * The metadata stage ended without metadata: stopped, or no peer gave it in time. The JSON summary carries the
     * info hash and the stage's last stats (phase {@code metadata}).
     */
    private static int metadataFailed(ProgressView view, boolean json, MetadataStage.Result r, Config config,
            InfoHash infoHash, Stats last, boolean dhtSearched) {
        Map<String, Object> f = fields(last);
        f.put("infoHash", infoHash.hex());
        if (r.outcome() == Outcome.INTERRUPTED) {
            ExitCode code = Signals.received() != null ? Signals.received() : ExitCode.INTERRUPTED;
            f.put("event", "stopped");
            fail(view, json, "btget: stopped before the metadata arrived", f);
            return code.code;
        }
        String msg = MagnetInput.metadataNotFetched(r, config, dhtSearched);
        f.put("event", r.outcome() == Outcome.NO_PEERS ? "no_peers" : "stalled");
        f.put("message", msg);
        fail(view, json, "btget: " + msg, f);
        return ExitCode.NETWORK.code;
    }

    /**
     * A rerun found the metadata in the store: a {@code metadata_cached} event (infoHash, name, path) with --json,
     * else the line "metadata of NAME found in PATH" (an event: shown at default verbosity, not with -q).
     */
    static void cachedEvent(ProgressView view, Torrent torrent, Path path) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("infoHash", torrent.infoHash().hex());
        f.put("name", torrent.name());
        f.put("path", path.toAbsolutePath().toString());
        view.event("metadata_cached", "metadata of " + torrent.name() + " found in " + path, f);
    }

    /**
     * The human line of a {@code metadata_received} event: "metadata received: NAME, 3.8 MiB in 245 pieces (from 2
     * peers)", the size being the torrent's payload (not the info dictionary's).
     */
    static String metadataReceivedLine(Map<String, Object> fields, String fallback) {
        if (!(fields.get("totalSize") instanceof Number size) || !(fields.get("pieceCount") instanceof Number pieces)) {
            return fallback;
        }
        String line = "metadata received: " + fields.get("name") + ", " + Units.bytes(size.longValue()) + " in "
                + Units.count(pieces.longValue(), "piece");
        if (fields.get("peers") instanceof Number peers) {
            line += " (from " + Units.count(peers.longValue(), "peer") + ")";
        }
        return line;
    }

    /** Sends a stop (signal) to whichever stage runs now; a stage set after a signal is stopped at once. */
    static final class Stopper {
        private volatile java.util.function.Consumer<Outcome> target = o -> { };

        void set(java.util.function.Consumer<Outcome> stage) {
            target = stage;
            if (Signals.received() != null) {
                stage.accept(Outcome.INTERRUPTED);
            }
        }

        void stop() {
            target.accept(Outcome.INTERRUPTED);
        }
    }

    /**
     * One torrent's session on {@code client}, reported through {@code view}; returns its exit code.
     *
     * @param claim null to go on, or why this torrent must not run (see {@link #runMagnet(io.btget.session.SessionHost,
     *              ProgressView, MagnetPlan, Config, SessionOptions, Path, Stopper, java.util.function.Consumer,
     *              java.util.function.Function)})
     */
    static int runSession(io.btget.session.SessionHost client, ProgressView view, Torrent torrent, Config config,
            SessionOptions options, List<InetSocketAddress> initialPeers, MetadataStage.Handover handover,
            Stopper stopper, io.btget.metainfo.FileSelection selection,
            java.util.function.Consumer<io.btget.session.TorrentSession> attach,
            java.util.function.Function<Torrent, String> claim) {
        {
            String refused = claim.apply(torrent);
            if (refused != null) {
                Map<String, Object> f = new LinkedHashMap<>();
                f.put("event", "error");
                f.put("infoHash", torrent.infoHash().hex());
                f.put("name", torrent.name());
                f.put("message", refused);
                fail(view, options.json, "btget: " + refused, f);
                return ExitCode.USAGE.code;
            }
            Listener listener = new Listener(view, torrent, config.dht().enabled() && !torrent.isPrivate());
            io.btget.session.TorrentSession session =
                    new io.btget.session.TorrentSession(client, torrent, config, listener);
            session.selectFiles(selection);
            attach.accept(session);
            session.addInitialPeers(initialPeers);
            if (handover != null) {
                session.takeIncomingFrom(handover);
            }
            stopper.set(session::requestStop);
            Map<String, Object> start = new LinkedHashMap<>();
            start.put("name", torrent.name());
            start.put("infoHash", torrent.infoHash().hex());
            start.put("totalSize", torrent.totalLength());
            start.put("pieceCount", torrent.pieceCount());
            start.put("dir", config.outputDir().toAbsolutePath().toString());
            if (!selection.isAll()) {
                start.put("selectedFiles", selection.selectedCount());
                start.put("fileCount", selection.userFileCount());
                start.put("selectedSize", selection.selectedLength());
            }
            if (options.json) {
                view.event("started", "", start);
            } else {
                log.info("{}: {} in {} pieces -> {}", torrent.name(), Units.bytes(torrent.totalLength()),
                        torrent.pieceCount(), config.outputDir().toAbsolutePath());
                if (!selection.isAll()) {
                    log.info("{} of {} selected: {}", selection.selectedCount(),
                            Units.count(selection.userFileCount(), "file"), Units.bytes(selection.selectedLength()));
                }
            }
            Outcome outcome;
            try {
                outcome = session.run();
            } catch (io.btget.net.Listener.ListenException e) {
                fail(view, options.json, "btget: " + e.getMessage(), summary("error", session.stats(), e.getMessage(), 0));
                return e.badAddress() ? ExitCode.USAGE.code : ExitCode.NETWORK.code;
            } catch (SessionException | StorageException e) {
                Stats s = session.stats();
                // the pieces kept are worth saying only when there are some (a folder that cannot be made has none)
                fail(view, options.json, "btget: " + Main.oneLine(e) + (s.piecesHave() == 0 ? "" : " (" + s.piecesHave()
                        + " of " + Units.count(s.pieceCount(), "piece") + " verified and kept on disk)"),
                        summary("error", s, Main.oneLine(e), listener.downloadMillis(s)));
                return ExitCode.DISK.code;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                outcome = Outcome.INTERRUPTED;
            }
            Stats s = session.stats();
            return switch (outcome) {
                case COMPLETE -> {
                    view.finish(completeLine(torrent, s, listener.downloadMillis(s)), summary("complete", s, null, listener.downloadMillis(s)));
                    yield ExitCode.OK.code;
                }
                case STALLED -> {
                    String msg = "no progress for " + Units.duration(config.stallTimeout().toSeconds()) + " (" + Units.count(s.peersConnected(), "peer")
                            + " connected, " + s.peersKnown() + " known); " + s.piecesHave() + " of "
                            + Units.count(s.pieceCount(), "piece") + " verified"
                            + handshakeHint(s.peersConnected(), session.handshakesClosedByPeer());
                    fail(view, options.json, "btget: stalled: " + msg, summary("stalled", s, msg, listener.downloadMillis(s)));
                    yield ExitCode.NETWORK.code;
                }
                case NO_PEERS -> {
                    String msg = noPeersMessage(session.hadTrackers(), torrent.hasWebSeeds(), session.dhtSearched(),
                            session.lastTrackerError(), session.lastWebSeedError());
                    fail(view, options.json, "btget: " + msg, summary("no_peers", s, msg, listener.downloadMillis(s)));
                    yield ExitCode.NETWORK.code;
                }
                case INCOMPLETE -> {
                    String msg = "data in " + config.outputDir() + " is incomplete: " + s.piecesHave() + " of "
                            + Units.count(s.pieceCount(), "piece") + " verified (use 'btget download --seed' to fetch the rest)";
                    fail(view, options.json, "btget: " + msg, summary("incomplete", s, msg, listener.downloadMillis(s)));
                    yield ExitCode.INCOMPLETE.code;
                }
                case INTERRUPTED -> {
                    ExitCode code = Signals.received() != null ? Signals.received() : ExitCode.INTERRUPTED;
                    fail(view, options.json, "btget: stopped (" + s.piecesHave() + " of "
                            + Units.count(s.pieceCount(), "piece") + " verified and kept)", summary("stopped", s, null, listener.downloadMillis(s)));
                    yield code.code;
                }
            };
        }
    }

    /**
     * When no peer is connected and some closed our connections during the handshake: a hint at the usual cause (a
     * peer that requires encryption while ours is off, or refuses it while we require it). Empty otherwise.
     */
    static String handshakeHint(int peersConnected, int closedInHandshake) {
        if (peersConnected > 0 || closedInHandshake == 0) {
            return "";
        }
        return "; " + Units.count(closedInHandshake, "connection") + " closed by the peer during the handshake (does it"
                + " require encryption, or refuse it? see --encryption)";
    }

    /**
     * The final line of a run that found no source: what it had (trackers, the DHT, web seeds) and the last reason
     * each gave. A torrent whose only sources are web seeds names the web seed's failure, not trackers it has none of.
     */
    static String noPeersMessage(boolean trackers, boolean webSeeds, boolean dhtSearched, Optional<String> trackerError,
            Optional<String> webSeedError) {
        if (!trackers && webSeeds && webSeedError.isPresent()) {
            return "no web seed could be used and no peer could be reached"
                    + (dhtSearched ? " (none was found through the DHT either)" : "") + " (last: " + webSeedError.get() + ")";
        }
        return "no tracker answered and no peer could be reached"
                + (dhtSearched ? ", and none was found through the DHT either" : "")
                + trackerError.map(e -> " (last tracker error: " + e + ")").orElse("")
                + webSeedError.map(e -> "; " + e).orElse("");
    }

    /** Failures: the JSON event on stdout with --json, otherwise one line on stderr. */
    private static void fail(ProgressView view, boolean json, String line, Map<String, Object> fields) {
        if (json) {
            view.finish(line, fields);
        } else {
            view.fail(line, fields);
        }
    }

    /**
     * "NAME: 64.0 MiB complete in 12.3s, 64.0 MiB down (5.20 MiB/s), 0 B up, 256 of 256 pieces verified": the time
     * and the rate are those of the download phase (not the check before it nor the seeding after it).
     */
    static String completeLine(Torrent torrent, Stats s, long downloadMillis) {
        double seconds = Math.max(0.001, downloadMillis / 1000.0);
        return String.format(Locale.ROOT, "%s: %s complete in %.1fs, %s down (%s), %s up, %d of %s verified",
                torrent.name(), Units.bytes(s.totalBytes()), seconds, Units.bytes(s.downloaded()),
                Units.rate(s.downloaded() / seconds), Units.bytes(s.uploaded()), s.piecesHave(),
                Units.count(s.pieceCount(), "piece"));
    }

    static Map<String, Object> fields(Stats s) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("phase", s.phase());
        f.put("percent", Math.round(s.fraction() * 10000) / 100.0);
        f.put("verifiedBytes", s.verifiedBytes());
        f.put("totalBytes", s.totalBytes());
        f.put("downloaded", s.downloaded());
        f.put("uploaded", s.uploaded());
        f.put("downloadRate", Math.round(s.downloadRate()));
        f.put("uploadRate", Math.round(s.uploadRate()));
        f.put("peers", s.peersConnected());
        f.put("knownPeers", s.peersKnown());
        f.put("seeds", s.seedsConnected());
        if (s.webSeeds() > 0) {
            f.put("webSeeds", s.webSeeds());
        }
        f.put("pieces", s.piecesHave());
        f.put("pieceCount", s.pieceCount());
        f.put("hashFailures", s.hashFailures());
        f.put("wasted", s.wasted());
        f.put("eta", s.etaSeconds());
        f.put("elapsedMs", s.elapsedMillis());
        if (s.isMetadata()) {
            // pieces/pieceCount are metadata pieces (BEP 9, 16 KiB each); no payload bytes yet
            f.put("utMetadataPeers", s.utMetadataPeers());
        }
        if (s.dhtNodes() > 0 || s.dhtPeers() > 0) {
            dhtFields(f, s);
        }
        return f;
    }

    /** With the DHT on (BEP 5): nodes in the routing table, and peers found through it for this torrent. */
    static Map<String, Object> fields(Stats s, boolean dht) {
        Map<String, Object> f = fields(s);
        if (dht) {
            dhtFields(f, s);
        }
        return f;
    }

    private static void dhtFields(Map<String, Object> f, Stats s) {
        f.put("dhtNodes", s.dhtNodes());
        f.put("dhtPeers", s.dhtPeers());
    }

    /** "dht: 120 nodes, 3 peers" for the progress lines. */
    static String dhtPart(Stats s) {
        return "dht: " + Units.count(s.dhtNodes(), "node") + ", " + Units.count(s.dhtPeers(), "peer");
    }

    /** The closing JSON object; {@code meanRate} is bytes/s over the download phase ({@code downloadMs}). */
    private static Map<String, Object> summary(String event, Stats s, String message, long downloadMillis) {
        Map<String, Object> f = fields(s);
        f.put("event", event);
        if (message != null) {
            f.put("message", message);
        }
        double seconds = Math.max(0.001, downloadMillis / 1000.0);
        f.put("downloadMs", downloadMillis);
        f.put("meanRate", Math.round(s.downloaded() / seconds));
        return f;
    }

    /** Turns session events into view updates. */
    static final class Listener implements SessionListener {
        private final ProgressView view;
        private final Torrent torrent;
        /** Session time (Stats.elapsedMillis) when the download phase began and ended; -1 until then. */
        private volatile long downloadStart = -1;
        private volatile long downloadEnd = -1;
        /** The last tracker trouble, shown on the live line while no peer is connected; null when none. */
        private volatile String trackerTrouble;
        private final Map<String, String> lastNoticeByTracker = new java.util.concurrent.ConcurrentHashMap<>();

        /** Whether a DHT node runs for this torrent: its figures then show on every line (0 while bootstrapping). */
        private final boolean dht;

        Listener(ProgressView view, Torrent torrent) {
            this(view, torrent, false);
        }

        Listener(ProgressView view, Torrent torrent, boolean dht) {
            this.view = view;
            this.torrent = torrent;
            this.dht = dht;
        }

        @Override
        public void stats(Stats s) {
            if (downloadStart < 0 && s.phase().equals("downloading")) {
                downloadStart = s.elapsedMillis();
            }
            if (downloadStart >= 0 && downloadEnd < 0 && s.verifiedBytes() >= s.totalBytes()) {
                downloadEnd = s.elapsedMillis();
            }
            view.update(line(s), fields(s, dht));
        }

        /** Milliseconds spent downloading (from the end of the check to completion, or to now if not complete). */
        long downloadMillis(Stats s) {
            if (downloadStart < 0) {
                return 0;
            }
            long end = downloadEnd >= 0 ? downloadEnd : s.elapsedMillis();
            return Math.max(0, end - downloadStart);
        }

        /**
         * The live line, as parts the view drops from the least important when the terminal is narrow:
         * "36.9% [####------] 23.6 MiB/64.0 MiB DL 3.20 MiB/s UL 0 B/s peers 1/3 ETA 12s tracker: refused".
         */
        StatusLine line(Stats s) {
            String trouble = s.peersConnected() == 0 ? trackerTrouble : null;
            boolean showDht = dht || s.dhtNodes() > 0 || s.dhtPeers() > 0;
            if (s.isMetadata()) {
                return MetadataLine.of(s, trouble, showDht ? dhtPart(s) : null);
            }
            String dhtText = showDht ? dhtPart(s) : "";
            int barWidth = 10;
            int filled = (int) Math.round(s.fraction() * barWidth);
            String bar = "[" + "#".repeat(filled) + "-".repeat(barWidth - filled) + "]";
            String pct = String.format(Locale.ROOT, "%5.1f%%", s.fraction() * 100);
            StatusLine.Builder b = StatusLine.builder();
            if (s.phase().equals("checking")) {
                return b.add("checking", 90).add(pct, 100).add(bar, 20)
                        .add(Units.bytes(s.verifiedBytes()) + "/" + Units.bytes(s.totalBytes()), 50).build();
            }
            if (s.phase().equals("seeding")) {
                double ratio = s.totalBytes() == 0 ? 0 : s.uploaded() / (double) s.totalBytes();
                return b.add("seeding", 100).add(Units.bytes(s.totalBytes()), 40).add("UL " + Units.rate(s.uploadRate()), 90)
                        .add(Units.bytes(s.uploaded()) + " sent", 50)
                        .add(String.format(Locale.ROOT, "ratio %.2f", ratio), 60)
                        .add("peers " + s.peersConnected() + "/" + s.peersKnown(), 70)
                        .add(dhtText, 55)
                        .add(trouble == null ? "" : trouble, 80).build();
            }
            return b.add(pct, 100).add(bar, 20).add(Units.bytes(s.verifiedBytes()) + "/" + Units.bytes(s.totalBytes()), 50)
                    .add("DL " + Units.rate(s.downloadRate()), 90).add("UL " + Units.rate(s.uploadRate()), 30)
                    .add("peers " + s.peersConnected() + "/" + s.peersKnown(), 70)
                    .add(s.webSeeds() > 0 ? Units.count(s.webSeeds(), "web seed") : "", 65)
                    .add("ETA " + Units.duration(s.etaSeconds()), 60)
                    .add(dhtText, 55)
                    .add(trouble == null ? "" : trouble, 85).build();
        }

        @Override
        public void event(String type, String message, Map<String, Object> fields) {
            if (type.equals("tracker_error")) {
                String reason = shortReason(String.valueOf(fields.getOrDefault("message", message)));
                trackerTrouble = "tracker: " + reason;
                log.info(message);
                // a plain line when it happens (with --json: the event); the same trouble again stays quiet
                String tracker = String.valueOf(fields.getOrDefault("tracker", ""));
                if (!message.equals(lastNoticeByTracker.put(tracker, message))) {
                    view.notice(type, "btget: " + message, fields);
                }
                return;
            }
            if (type.equals("tracker_warning")) {
                log.info(message);
                view.notice(type, "btget: " + message, fields);
                return;
            }
            if (type.equals("peer_banned") || type.equals("piece_failed") || type.equals("listening")) {
                // Routine in a real swarm: a JSON event with --json, otherwise a log line (stderr, shown with -v).
                if (view.machineReadable()) {
                    view.event(type, message, fields);
                } else {
                    log.info(message);
                }
                return;
            }
            if (type.equals("metadata_received")) {
                view.event(type, metadataReceivedLine(fields, message), fields);
                return;
            }
            view.event(type, message, fields);
        }
    }

    /**
     * A tracker's failure in a word or two for the live line: "refused", "no reply", "unknown host", "HTTP 404",
     * "failure" (the tracker said why: see -v or the plain line), else "error".
     */
    static String shortReason(String message) {
        String m = message.toLowerCase(Locale.ROOT);
        java.util.regex.Matcher http = java.util.regex.Pattern.compile("http (?:status )?(\\d{3})").matcher(m);
        if (m.contains("refused")) {
            return "refused";
        }
        if (m.contains("unknown host") || m.contains("unresolved") || m.contains("name or service not known")) {
            return "unknown host";
        }
        if (m.contains("timed out") || m.contains("timeout") || m.contains("no reply")) {
            return "no reply";
        }
        if (m.contains("unreachable")) {
            return "unreachable";
        }
        if (http.find()) {
            return "HTTP " + http.group(1);
        }
        if (m.contains("tracker failure") || m.contains("tracker error")) {
            return "failure";
        }
        if (m.contains("not valid bencode") || m.contains("bencode")) {
            return "bad reply";
        }
        return "error";
    }
}
