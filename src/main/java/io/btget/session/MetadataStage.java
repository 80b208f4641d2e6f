package io.btget.session;

import io.btget.metainfo.InfoHash;
import io.btget.metainfo.Torrent;
import io.btget.peer.KnownPeers;
import io.btget.peer.PeerConnection;
import io.btget.peer.PeerId;
import io.btget.peer.PeerPool;
import io.btget.peer.RateLimiter;
import io.btget.peer.TorrentContext;
import io.btget.peer.ext.ExtensionRegistry;
import io.btget.peer.ext.MetadataExtension;
import io.btget.peer.ext.MetadataPlan;
import io.btget.piece.BlockRequest;
import io.btget.piece.PiecePicker;
import io.btget.tracker.Announcer;
import io.btget.tracker.AnnouncerListener;
import io.btget.tracker.TransferTotals;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first stage of a magnet download: find peers (the magnet's trackers, its {@code x.pe} peers, {@code --peer}),
 * connect with the extension protocol (BEP 10), and fetch the info dictionary from them (BEP 9) until its SHA-1 is
 * the info hash. The verified bytes then go through the same parser, limits and path rules as a .torrent file
 * ({@link Torrent#fromInfoDictionary}).
 *
 * <p>The connections of this stage run in metadata mode (no piece count yet: see {@link PeerConnection}); they end
 * with the stage, and the download stage dials the peers again ({@link Result#peers()}: those that answered first,
 * then every other connected peer with a known listen address, the magnet's, and the trackers'), so the
 * piece-level code never sees a connection made before the piece count was known. An incoming peer that told no
 * listen port cannot be dialled back; so that it can come again, incoming connections are not refused between the
 * stages: on success the stage leaves a {@link Handover} registered for the info hash, which holds a connection
 * until the download stage takes it ({@link Handover#handTo}) or {@link Handover#HOLD_MILLIS} pass.
 *
 * <p>Threads: {@link #run} on the caller's thread; the connections' threads feed the fetch; {@link #requestStop}
 * from any thread.
 */
public final class MetadataStage implements TorrentContext {
    private static final Logger log = LoggerFactory.getLogger(MetadataStage.class);
    private static final long TICK_MILLIS = 250;
    /**
     * What we tell trackers is left while the size is unknown: not 0 (that reads as a seed, and some trackers then
     * hand out no seeds), one metadata piece's worth.
     */
    static final long UNKNOWN_LEFT = 16 * 1024;

    /**
     * Addresses handed to the download stage at most: the answered peers, connected peers and tracker peers of this
     * stage (the download stage's own peer table bounds them again). Twice the default peer limit.
     */
    static final int MAX_HANDOVER_PEERS = 400;

    /**
     * The outcome: the torrent, or why there is none.
     *
     * @param peers    addresses for the download stage to dial, best first
     * @param handover on success, the handler left registered for the info hash (incoming connections held for the
     *                 download stage: call {@link Handover#handTo} once it has registered its own); else null
     */
    public record Result(Optional<Torrent> torrent, Outcome outcome, List<InetSocketAddress> peers,
            Optional<String> lastTrackerError, Handover handover) {
        public Result(Optional<Torrent> torrent, Outcome outcome, List<InetSocketAddress> peers,
                Optional<String> lastTrackerError) {
            this(torrent, outcome, peers, lastTrackerError, null);
        }
    }

    /**
     * Stands in for the torrent in the process listener between this stage and the download stage, so an incoming
     * peer is not refused as "unknown torrent" meanwhile: each connection waits on its own accept thread until
     * {@link #handTo} names the download stage's handler, then goes to it; after {@link #HOLD_MILLIS} it is refused.
     * The download stage registering its own handler for the info hash replaces this one for later connections.
     */
    public static final class Handover implements io.btget.peer.IncomingHandler {
        /** How long a connection is held: the handshake time-out, as a peer's handshake would wait for ours. */
        public static final long HOLD_MILLIS = io.btget.peer.Limits.HANDSHAKE_TIMEOUT_MILLIS;

        /** Guarded by {@code this}. */
        private io.btget.peer.IncomingHandler next;

        @Override
        public boolean accept(io.btget.net.Transport transport, io.btget.peer.Handshake.Start start) {
            io.btget.peer.IncomingHandler to;
            synchronized (this) {
                long deadline = System.nanoTime() + HOLD_MILLIS * 1_000_000L;
                while (next == null) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        return false;
                    }
                    try {
                        java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(this, left);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return false;
                    }
                }
                to = next;
            }
            return to.accept(transport, start);
        }

        /** The download stage's handler is registered: held and later connections go to {@code handler}. */
        public synchronized void handTo(io.btget.peer.IncomingHandler handler) {
            next = handler;
            notifyAll();
        }
    }

    private final SessionHost host;
    private final InfoHash infoHash;
    private final List<List<String>> tiers;
    private final List<String> webSeeds;
    private final List<InetSocketAddress> magnetPeers;
    private final Config config;
    private final SessionListener listener;
    private final ExtensionRegistry extensions;
    private final KnownPeers known = new KnownPeers();
    private final AtomicReference<byte[]> verified = new AtomicReference<>();
    private final Object tickLock = new Object();
    /** Some peer completed the BEP 3 handshake during this stage (set by connection threads, read by the loop). */
    private volatile boolean handshakeCompleted;
    private volatile Outcome stopRequested;
    private volatile int listenPort;
    private volatile String lastTrackerError;
    /** Peers that sent us metadata pieces or answered at all (addresses to dial first in the next stage). */
    private final Set<InetSocketAddress> answered = java.util.Collections.synchronizedSet(new LinkedHashSet<>());
    /** Peers the trackers gave, at most {@link #MAX_HANDOVER_PEERS} (handed to the next stage). Guarded by itself. */
    private final Set<InetSocketAddress> trackerPeers = new LinkedHashSet<>();
    /**
     * Of those, the ones the DHT named and no tracker did: left out of the hand-over when the info turns out
     * private (BEP 27: a private torrent's peers come from its trackers only). Guarded by {@code trackerPeers}.
     */
    private final Set<InetSocketAddress> dhtOnlyPeers = new java.util.HashSet<>();
    /** When the last metadata piece was accepted (or the stage started): the stall clock counts from it. */
    private volatile long progressAt = System.nanoTime();
    /** Metadata pieces accepted this stage (for the progress line; a refetch after a hash failure counts again). */
    private final java.util.concurrent.atomic.AtomicInteger piecesAccepted = new java.util.concurrent.atomic.AtomicInteger();
    private final long startedAt = System.nanoTime();
    private PeerPool pool;
    /**
     * The process's DHT node, or null (off). A magnet does not say whether its torrent is private (BEP 27): the
     * stage looks (never announces: we have nothing to serve yet, and the torrent may turn out private) and stops
     * touching the DHT for good once the fetched info dictionary says {@code private=1}. Set by {@link #run}.
     */
    private volatile io.btget.dht.Dht dht;
    /** This stage's DHT search, or null; closed at the end of the stage or as soon as the torrent is private. */
    private volatile io.btget.dht.Dht.Search dhtSearch;
    /** The verified info dictionary says private (BEP 27): no more DHT from this stage. */
    private volatile boolean privateTorrent;

    /**
     * @param trackerTiers the magnet's trackers (and {@code --tracker}s), BEP 12 tiers
     * @param webSeeds     the magnet's {@code ws} URLs, kept in the torrent
     * @param magnetPeers  the magnet's {@code x.pe} peers, resolved
     */
    public MetadataStage(SessionHost host, InfoHash infoHash, List<List<String>> trackerTiers, List<String> webSeeds,
            List<InetSocketAddress> magnetPeers, Config config, SessionListener listener) {
        this.host = host;
        this.infoHash = infoHash;
        this.tiers = List.copyOf(trackerTiers);
        this.webSeeds = List.copyOf(webSeeds);
        this.magnetPeers = List.copyOf(magnetPeers);
        this.config = config;
        this.listener = listener;
        this.extensions = new ExtensionRegistry(List.of(new MetadataExtension(() -> Optional.ofNullable(verified.get()),
                new MetadataPlan(infoHash), this::metadataVerified, this::pieceAccepted)),
                host.dialer().prefersEncryption());
    }

    /**
     * Whether there is anywhere to look for peers at all: trackers, {@code x.pe}, {@code --peer}, or the DHT when it
     * is on ({@link Config#dht}).
     */
    public static boolean hasPeerSources(List<List<String>> tiers, List<InetSocketAddress> magnetPeers,
            Config config) {
        return !tiers.isEmpty() || !magnetPeers.isEmpty() || !config.extraPeers().isEmpty()
                || !config.extraTrackers().isEmpty() || config.dht().enabled();
    }

    /** Whether a DHT search looked for peers in this stage (for the user's last line when none was found). */
    public boolean dhtSearched() {
        return dhtSearch != null;
    }

    public void requestStop(Outcome why) {
        stopRequested = why;
        wake();
    }

    /**
     * Fetches the metadata. The listen port is bound first ({@link SessionHost#listen}).
     *
     * @return the torrent once fetched and accepted, or the outcome that ended the stage (stopped, stalled, no peers)
     * @throws io.btget.metainfo.InvalidTorrentException when the verified info dictionary is refused by the parser
     */
    public Result run() throws InterruptedException {
        listenPort = host.listen();
        dht = host.dht().orElse(null); // before any connection: their handshakes carry the DHT bit
        String address = config.bind().getHostAddress();
        Map<String, Object> listening = new LinkedHashMap<>();
        listening.put("port", listenPort);
        listening.put("address", address);
        listening.put("infoHash", infoHash.hex());
        listener.event("listening", "listening for peers on " + (config.bind().isAnyLocalAddress() ? "port "
                : address + " port ") + listenPort, listening);
        List<List<String>> allTiers = new ArrayList<>(tiers);
        for (String t : config.extraTrackers()) {
            allTiers.add(List.of(t));
        }
        pool = new PeerPool(this, config.maxPeers(), known);
        Announcer announcer = null;
        Handover handover = null;
        markProgress(System.nanoTime());
        try {
            pool.start();
            host.register(infoHash, pool);
            pool.addKnown(magnetPeers, KnownPeers.Source.MAGNET);
            pool.addKnown(config.extraPeers(), KnownPeers.Source.MANUAL);
            io.btget.dht.Dht d = dht;
            if (d != null) {
                dhtSearch = d.search(infoHash, 0, new io.btget.dht.Dht.PeerSink() {
                    @Override
                    public void peersFound(List<InetSocketAddress> peers) {
                        if (!privateTorrent) {
                            trackerPeers(peers, KnownPeers.Source.DHT);
                        }
                    }
                });
            }
            if (!allTiers.isEmpty()) {
                announcer = new Announcer(allTiers, infoHash, host.peerId().bytes(), listenPort,
                        () -> new TransferTotals(0, 0, UNKNOWN_LEFT), this::trackerPeers, trackerEvents());
                announcer.start();
            }
            Outcome outcome = loop(announcer);
            Set<InetSocketAddress> others = new LinkedHashSet<>();
            for (PeerConnection c : pool.connections()) {
                if (c.peerExtendedHandshake().isPresent()) {
                    c.peerListenAddress().ifPresent(answered::add);
                } else {
                    c.peerListenAddress().ifPresent(others::add); // connected, but no extended handshake yet
                }
            }
            byte[] info = verified.get();
            if (info == null) {
                return new Result(Optional.empty(), outcome, List.of(), Optional.ofNullable(lastTrackerError));
            }
            Torrent torrent = Torrent.fromInfoDictionary(info, infoHash, allTiers.subList(0, tiers.size()), webSeeds);
            if (torrent.isPrivate()) {
                privateTorrent = true;
                if (dhtSearch != null) {
                    log.debug("{} is a private torrent (BEP 27): its DHT search ends, and the DHT is not used again",
                            infoHash.hex());
                }
                closeDhtSearch();
                host.dhtUnwanted(infoHash); // the node itself closes when no public torrent is left
            }
            listener.stats(stats()); // the last metadata piece, so a view's last metadata line is complete
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("name", torrent.name());
            f.put("infoHash", infoHash.hex());
            f.put("totalSize", torrent.totalLength());
            f.put("pieceCount", torrent.pieceCount());
            f.put("size", torrent.totalLength()); // the keys before totalSize/pieceCount, kept for --json readers
            f.put("pieces", torrent.pieceCount());
            f.put("metadataSize", info.length);
            f.put("peers", answered.size());
            listener.event("metadata_received", "metadata received: " + torrent.name() + ", "
                    + torrent.totalLength() + " bytes in " + torrent.pieceCount() + " pieces, from "
                    + answered.size() + " peer(s)", f);
            Set<InetSocketAddress> peers = new LinkedHashSet<>(answered);
            peers.addAll(others);
            peers.addAll(magnetPeers);
            synchronized (trackerPeers) {
                peers.addAll(trackerPeers);
                if (torrent.isPrivate()) {
                    Set<InetSocketAddress> keep = new java.util.HashSet<>(magnetPeers);
                    keep.addAll(config.extraPeers());
                    dhtOnlyPeers.removeAll(keep);
                    peers.removeAll(dhtOnlyPeers);
                }
            }
            handover = new Handover();
            host.register(infoHash, handover); // replaces the pool: incoming peers wait for the next stage
            return new Result(Optional.of(torrent), Outcome.COMPLETE,
                    peers.stream().limit(MAX_HANDOVER_PEERS).toList(), Optional.ofNullable(lastTrackerError),
                    handover);
        } finally {
            closeDhtSearch();
            host.unregister(infoHash, pool); // no-op when the handover replaced it
            pool.close();
            if (announcer != null) {
                if (handover != null) {
                    announcer.abandon(); // the download stage announces `started` at once: no `stopped` between
                } else {
                    announcer.close();
                }
            }
        }
    }

    private void closeDhtSearch() {
        io.btget.dht.Dht.Search search = dhtSearch;
        if (search != null) {
            search.close();
        }
        if (privateTorrent) {
            dht = null;
        }
    }

    private Outcome loop(Announcer announcer) throws InterruptedException {
        long lastTick = 0;
        long lastPeerHunt = System.nanoTime();
        while (verified.get() == null) {
            synchronized (tickLock) {
                if (verified.get() == null && stopRequested == null) {
                    tickLock.wait(TICK_MILLIS);
                }
            }
            if (verified.get() != null) {
                break;
            }
            if (stopRequested != null) {
                return stopRequested;
            }
            long now = System.nanoTime();
            listener.stats(stats());
            if (now - lastTick >= 1_000_000_000L) {
                lastTick = now;
                for (PeerConnection c : pool.connections()) {
                    c.guard("tick", c::tick);
                }
            }
            if (now - lastPeerHunt > 5_000_000_000L && pool.connections().isEmpty()) {
                lastPeerHunt = now;
                if (announcer != null) {
                    announcer.announceNow();
                }
                io.btget.dht.Dht.Search search = dhtSearch;
                if (search != null) {
                    search.lookAgain(); // rate-limited by the node
                }
            }
            if (stalled(now)) {
                // Known addresses that never completed a handshake (refused, silent) are no one to wait for: the user
                // is told no peer could be reached, not that peers stopped sending.
                boolean reached = handshakeCompleted || !pool.connections().isEmpty();
                return reached ? Outcome.STALLED : Outcome.NO_PEERS;
            }
            if (announcer != null && announcer.everyTrackerFailedHard() && !config.stallTimeout().isZero()
                    && dhtSearch == null && config.extraPeers().isEmpty() && magnetPeers.isEmpty() && pool.connections().isEmpty()
                    && pool.knownCount() == 0) {
                lastTrackerError = String.join("; ", announcer.lastErrors());
                return Outcome.NO_PEERS;
            }
        }
        return Outcome.COMPLETE;
    }

    /** A connection thread: a fetch accepted a metadata piece. */
    private void pieceAccepted() {
        piecesAccepted.incrementAndGet();
        markProgress(System.nanoTime());
    }

    /**
     * The stage's state for the progress views, in phase {@link Stats#METADATA}: connected and known peers, those
     * that announced {@code ut_metadata} (BEP 9), and metadata pieces accepted of those in the metadata size the
     * peers announced (the largest, at most {@link io.btget.peer.ext.ExtendedHandshake#MAX_METADATA_SIZE}; 0/0 while
     * none did). All pieces once the metadata is verified.
     */
    public Stats stats() {
        PeerPool p = pool;
        List<PeerConnection> conns = p == null ? List.of() : p.connections();
        int ut = 0;
        long size = 0;
        for (PeerConnection c : conns) {
            Optional<io.btget.peer.ext.ExtendedHandshake> h = c.peerExtendedHandshake();
            if (h.isPresent() && h.get().idOf(MetadataExtension.NAME) != 0) {
                ut++;
                size = Math.max(size, h.get().metadataSize().orElse(0));
            }
        }
        byte[] info = verified.get();
        if (info != null) {
            size = info.length;
        }
        size = Math.min(size, io.btget.peer.ext.ExtendedHandshake.MAX_METADATA_SIZE);
        int pieceSize = io.btget.peer.ext.metadata.UtMetadataMessage.PIECE_SIZE;
        int total = (int) ((size + pieceSize - 1) / pieceSize);
        int have = info != null ? total : Math.min(piecesAccepted.get(), total);
        Stats s = Stats.metadata(conns.size(), p == null ? 0 : p.knownCount(), ut, have, total,
                (System.nanoTime() - startedAt) / 1_000_000);
        io.btget.dht.Dht d = dht;
        io.btget.dht.Dht.Search search = dhtSearch;
        return d == null || privateTorrent ? s
                : s.withDht(TorrentSession.dhtNodes(d), search == null ? 0 : search.peersFound());
    }

    /** A metadata piece was accepted at {@code nanos} ({@code System.nanoTime()}): the stall clock restarts. */
    void markProgress(long nanos) {
        progressAt = nanos;
    }

    /**
     * Whether the stage has stalled at {@code nanos}: no metadata piece accepted for the stall time-out (counted
     * from the last accepted piece, so a slow but steady fetch of a large info dictionary is not cut off).
     */
    boolean stalled(long nanos) {
        return config.stalledAfter(nanos - progressAt);
    }

    /** Tracker peers: to the pool, and remembered for the next stage. */
    private void trackerPeers(List<InetSocketAddress> peers) {
        trackerPeers(peers, KnownPeers.Source.TRACKER);
    }

    /** Peers from trackers or the DHT: to the pool, and remembered for the next stage. */
    private void trackerPeers(List<InetSocketAddress> peers, KnownPeers.Source source) {
        synchronized (trackerPeers) {
            for (InetSocketAddress a : peers) {
                if (source == KnownPeers.Source.DHT) {
                    if (!trackerPeers.contains(a) && dhtOnlyPeers.size() < MAX_HANDOVER_PEERS) {
                        dhtOnlyPeers.add(a);
                    }
                } else {
                    dhtOnlyPeers.remove(a);
                }
                if (trackerPeers.size() >= MAX_HANDOVER_PEERS) {
                    break;
                }
                trackerPeers.add(a);
            }
        }
        PeerPool p = pool;
        if (p != null) {
            p.addKnown(peers, source);
            p.wake();
        }
    }

    private void metadataVerified(byte[] info) {
        if (verified.compareAndSet(null, info.clone())) {
            log.debug("metadata verified: {} bytes", info.length);
            wake();
        }
    }

    private void wake() {
        synchronized (tickLock) {
            tickLock.notifyAll();
        }
    }

    private AnnouncerListener trackerEvents() {
        return new AnnouncerListener() {
            @Override
            public void announced(String url, io.btget.tracker.AnnounceEvent event, int peers) {
                log.info("tracker {}: {} peers", url, peers);
            }

            @Override
            public void failed(String url, String message) {
                if (verified.get() != null || stopRequested != null) {
                    return;
                }
                String line = message.startsWith(url) ? message : url + ": " + message;
                lastTrackerError = line;
                listener.event("tracker_error", "tracker " + line, Map.of("tracker", url, "message", message));
            }

            @Override
            public void warning(String url, String message) {
                listener.event("tracker_warning", "tracker " + url + " warns: " + message,
                        Map.of("tracker", url, "message", message));
            }
        };
    }

    // ---- TorrentContext (metadata mode: no pieces) ----

    @Override
    public boolean metadataKnown() {
        return false;
    }

    /** BEP 10 extension protocol and BEP 6 Fast; the DHT bit (BEP 5) while a node runs for us. */
    @Override
    public io.btget.peer.Handshake.Features features() {
        return io.btget.peer.Handshake.Features.ALL.withDht(dht != null && !privateTorrent);
    }

    @Override
    public int dhtPort() {
        io.btget.dht.Dht d = dht;
        return d == null || privateTorrent ? 0 : d.port();
    }

    /** A peer's PORT (BEP 5), unless the torrent turned out private (then the DHT is never touched again). */
    @Override
    public void dhtNodeLearnt(InetSocketAddress node) {
        io.btget.dht.Dht d = dht;
        if (d != null && !privateTorrent) {
            d.addNode(node);
        }
    }

    /** A peer's {@code yourip} (BEP 10) is a vote for our external address (BEP 42), unless the torrent is private. */
    @Override
    public void externalAddressReported(java.net.InetAddress external, java.net.InetAddress reporter) {
        io.btget.dht.Dht d = dht;
        if (d != null && !privateTorrent) {
            d.externalAddressReported(external, reporter);
        }
    }

    @Override
    public ExtensionRegistry extensions() {
        return extensions;
    }

    @Override
    public int listenPort() {
        return listenPort;
    }

    @Override
    public InfoHash infoHash() {
        return infoHash;
    }

    @Override
    public PeerId ourPeerId() {
        return host.peerId();
    }

    @Override
    public int pieceCount() {
        return 0;
    }

    @Override
    public int pieceSize(int piece) {
        throw new IllegalStateException("no metadata yet");
    }

    @Override
    public byte[] ourBitfieldWire() {
        return null;
    }

    @Override
    public boolean havePiece(int piece) {
        return false;
    }

    @Override
    public PiecePicker<PeerConnection> picker() {
        return null;
    }

    @Override
    public byte[] pieceBuffer(int piece) {
        throw new IllegalStateException("no metadata yet");
    }

    @Override
    public void blockStored(PeerConnection from, BlockRequest block, byte[] buffer) {
    }

    @Override
    public void blockLost(BlockRequest block, byte[] buffer) {
    }

    @Override
    public void piecesAbandoned(List<Integer> pieces) {
    }

    @Override
    public boolean readBlock(int piece, int offset, int length, byte[] dst) {
        return false;
    }

    @Override
    public RateLimiter downloadLimiter() {
        return host.downloadLimiter();
    }

    @Override
    public RateLimiter uploadLimiter() {
        return host.uploadLimiter();
    }

    @Override
    public void countDownloaded(int bytes, boolean wasted) {
    }

    @Override
    public void countUploaded(int bytes) {
    }

    @Override
    public void connectionClosed(PeerConnection connection, String reason, boolean misbehaved) {
        handshakeCompleted = true; // the pool calls this for every admitted (handshaken) connection as it ends
        if (connection.peerExtendedHandshake().isPresent()) {
            connection.peerListenAddress().ifPresent(answered::add);
        }
        if (misbehaved) {
            Map<String, Object> f = new LinkedHashMap<>();
            String peer = io.btget.net.SocketAddresses.text(connection.address());
            f.put("peer", peer);
            f.put("reason", reason);
            listener.event("peer_banned", "dropped peer " + peer + ": " + reason, f);
        }
    }

    @Override
    public boolean isComplete() {
        return false;
    }

    @Override
    public boolean wantsOutgoingConnections() {
        return verified.get() == null;
    }

    @Override
    public io.btget.net.Dialer dialer() {
        return host.dialer();
    }
}
