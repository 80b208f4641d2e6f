package io.btget.session;

import io.btget.metainfo.InfoHash;
import io.btget.metainfo.Torrent;
import io.btget.peer.Limits;
import io.btget.peer.PeerConnection;
import io.btget.peer.PeerId;
import io.btget.peer.PeerPool;
import io.btget.peer.RateLimiter;
import io.btget.peer.RateMeter;
import io.btget.peer.TorrentContext;
import io.btget.piece.Bitfield;
import io.btget.piece.BlockRequest;
import io.btget.piece.PiecePicker;
import io.btget.storage.Storage;
import io.btget.storage.StorageException;
import io.btget.storage.Verifier;
import io.btget.tracker.Announcer;
import io.btget.tracker.AnnouncerListener;
import io.btget.tracker.TransferTotals;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One torrent's whole life in this process once its metadata is known: check what is on disk, announce, download,
 * (seed), stop. Piece completion (assemblies, hashing, writing, {@code have}, HAVE) belongs to its
 * {@link PieceCompletion}; the session owns the picker, the pool, the announcer and the choker, and
 * is the {@link TorrentContext} the connections see. Wiring is explicit, here, with plain constructors.
 */
public final class TorrentSession implements TorrentContext {
    private static final Logger log = LoggerFactory.getLogger(TorrentSession.class);
    private static final long TICK_MILLIS = 250;

    private final Torrent torrent;
    private final Config config;
    private final SessionListener listener;
    private final SessionHost host;
    private final PeerId peerId;
    private final RateLimiter downloadLimiter;
    private final RateLimiter uploadLimiter;
    private final LongAdder downloaded = new LongAdder();
    private final LongAdder uploaded = new LongAdder();
    private final LongAdder wasted = new LongAdder();
    private final RateMeter downloadRate = new RateMeter();
    private final RateMeter uploadRate = new RateMeter();
    private final long startedAt = System.nanoTime();
    /** The one owner of assemblies, hashing, writing, {@code have} and the HAVE broadcast. */
    private final PieceCompletion completion;
    /** This torrent's entry in the process listener. */
    private final ParkedIncoming incoming = new ParkedIncoming();
    /** The first fatal storage error; set once (see {@link #storageFailed}), then the session ends with it. */
    private final java.util.concurrent.atomic.AtomicReference<StorageException> fatal =
            new java.util.concurrent.atomic.AtomicReference<>();
    /** The session thread waits on it between ticks; notified to end the wait early (a fatal error). */
    private final Object tickLock = new Object();
    private volatile Outcome stopRequested;
    private volatile String phase = "checking";
    private volatile String lastTrackerError;
    private volatile String lastWebSeedError;

    // Set by the session thread before any connection exists (safely published by the threads' start):
    private Storage storage;
    /** This torrent's resume file, or null when the config keeps none. */
    private io.btget.storage.ResumeFileKeeper resumeFile;
    /** Whether the start-up check ended (what {@code completion} holds is then worth a resume file). */
    private boolean checkDone;
    private PiecePicker<io.btget.peer.BlockSource> picker;
    private PeerPool pool;
    private Announcer announcer;
    private Choking choking;
    /** This torrent's web seeds (BEP 19); set with the picker, closed when the download loop ends. */
    private io.btget.webseed.WebSeeds webSeeds;
    /** No tracker to ask (web seeds, DHT or --peer are the sources); set with the web seeds. */
    private boolean trackerless;
    private volatile int listenPort;
    /** BEP 10 extensions of this torrent (BEP 9 metadata serving; PEX unless private). */
    private final io.btget.peer.ext.ExtensionRegistry extensions;
    /** Peers to dial first, besides the config's (those that answered in the metadata stage). */
    private final List<java.net.InetSocketAddress> initialPeers = new java.util.concurrent.CopyOnWriteArrayList<>();
    /**
     * The process's DHT node for this torrent; null when off or the torrent is private (BEP 27: then nothing here
     * ever touches the DHT). Set by the session thread in {@link #run} before any connection exists.
     */
    private volatile io.btget.dht.Dht dht;
    /** This torrent's DHT search while the session runs (session thread sets and closes it). */
    private volatile io.btget.dht.Dht.Search dhtSearch;
    /** The files the user selected; every file unless {@link #selectFiles} said otherwise before {@link #run}. */
    private volatile io.btget.metainfo.FileSelection selection;
    /** The pieces overlapping a selected file; null when every file is selected (then every piece is wanted). */
    private volatile BitSet wanted;
    /** Bytes of the wanted pieces (whole pieces: a boundary piece counts in full) and their number. */
    private volatile long wantedBytes;
    private volatile int wantedCount;
    /** Set once every wanted piece is verified (checked lazily: see {@link #isComplete}). */
    private volatile boolean selectionComplete;
    /** {@code --sequential}: the picker takes new pieces nearly in index order; set before {@link #run}. */
    private volatile boolean sequential;
    /** Pieces streaming readers need now, served before all others (see {@link #priorities()}). */
    private final io.btget.piece.PiecePriorities priorities = new io.btget.piece.PiecePriorities();
    /** Set before {@link #run} by the caller that ran the metadata stage; null for a .torrent. */
    private volatile MetadataStage.Handover handover;

    /**
     * A session for {@code torrent} in the process {@code host} (peer id, listen port, bandwidth budget). The
     * process-wide fields of {@code config} (bind, port, rate limits) are the host's business; the rest is ours.
     */
    public TorrentSession(SessionHost host, Torrent torrent, Config config, SessionListener listener) {
        this.host = host;
        this.torrent = torrent;
        this.config = config;
        this.listener = listener;
        this.peerId = host.peerId();
        this.downloadLimiter = host.downloadLimiter();
        this.uploadLimiter = host.uploadLimiter();
        this.completion = new PieceCompletion(torrent, wasted, new PieceCompletion.Events() {
            @Override
            public void pieceFailed(int piece, int contributors) {
                listener.event("piece_failed", "piece " + piece + " failed its hash check (from " + contributors
                        + " peer(s))", Map.of("piece", piece, "peers", contributors));
            }

            @Override
            public void storageFailed(StorageException e) {
                TorrentSession.this.storageFailed(e);
            }
        }, () -> pool == null ? List.of() : pool.connections());
        List<io.btget.peer.ext.Extension> exts = new ArrayList<>();
        exts.add(io.btget.peer.ext.MetadataExtension.serving(torrent.infoBytes()));
        if (!torrent.isPrivate()) { // BEP 27: no peer exchange on a private torrent, either way
            exts.add(new io.btget.peer.ext.PexExtension(this::pexConnected, this::pexLearnt, this::ownAddresses,
                    () -> listenPort));
        }
        this.extensions = new io.btget.peer.ext.ExtensionRegistry(exts, host.dialer().prefersEncryption());
        selectFiles(io.btget.metainfo.FileSelection.all(torrent.files()));
    }

    /**
     * Downloads only the files {@code chosen} selects (before {@link #run}): only pieces overlapping them are checked,
     * picked and counted; the bytes of unselected files within those pieces go to a part file, never to the user's
     * tree. Completion (exit 0, the {@code download_complete} event) is every wanted piece verified.
     */
    public void selectFiles(io.btget.metainfo.FileSelection chosen) {
        selection = chosen;
        if (chosen.isAll()) {
            wanted = null;
            wantedBytes = torrent.totalLength();
            wantedCount = torrent.pieceCount();
            return;
        }
        BitSet w = chosen.wantedPieces(torrent.pieceLength(), torrent.pieceCount());
        long bytes = 0;
        for (int p = w.nextSetBit(0); p >= 0; p = w.nextSetBit(p + 1)) {
            bytes += torrent.pieceSize(p);
        }
        wanted = w;
        wantedBytes = bytes;
        wantedCount = w.cardinality();
    }

    /** Pick new pieces nearly in index order ({@code --sequential}, see {@link PiecePicker#setSequential}); before {@link #run}. */
    public void downloadSequentially() {
        sequential = true;
    }

    /**
     * The windows of pieces to fetch before any other (a stream reader's position); usable at any time, before or
     * during {@link #run}. Whether a piece is there yet: {@link #havePiece}; its bytes: {@link #readBlock}.
     */
    public io.btget.piece.PiecePriorities priorities() {
        return priorities;
    }

    /** The torrent this session downloads. */
    public Torrent torrent() {
        return torrent;
    }

    /** Asks a running session to stop (from a signal handler or another thread). */
    public void requestStop(Outcome why) {
        stopRequested = why;
        wakeLoop();
    }

    @Override
    public int listenPort() {
        return listenPort;
    }

    /** Peers to dial as soon as the download starts (from the metadata stage), before {@link #run}. */
    public void addInitialPeers(List<java.net.InetSocketAddress> peers) {
        initialPeers.addAll(peers);
    }

    /**
     * The metadata stage before this session left {@code handover} registered for our info hash, holding incoming
     * peers: once {@link #run} registers this session, they (and any still held) come here instead of being refused.
     */
    public void takeIncomingFrom(MetadataStage.Handover handover) {
        this.handover = handover;
    }

    /** Our connected peers as PEX contacts (BEP 11): listen address, seed and connectable flags. */
    private java.util.Collection<io.btget.peer.ext.pex.PexPeer> pexConnected() {
        PeerPool p = pool;
        if (p == null) {
            return List.of();
        }
        List<io.btget.peer.ext.pex.PexPeer> out = new ArrayList<>();
        for (PeerConnection c : p.connections()) {
            int flags = (c.isSeed() ? io.btget.peer.ext.pex.PexPeer.SEED : 0)
                    | (c.incoming() ? 0 : io.btget.peer.ext.pex.PexPeer.CONNECTABLE)
                    | (c.prefersEncryption() ? io.btget.peer.ext.pex.PexPeer.PREFERS_ENCRYPTION : 0);
            c.peerListenAddress().ifPresent(a -> out.add(new io.btget.peer.ext.pex.PexPeer(a, flags)));
        }
        return out;
    }

    /** Peers a peer told us of (BEP 11) join the known-peer list with source PEX. */
    private void pexLearnt(List<io.btget.peer.ext.pex.PexPeer> peers) {
        PeerPool p = pool;
        if (p == null) {
            return;
        }
        int kept = io.btget.peer.KnownPeers.ENCRYPTION | io.btget.peer.KnownPeers.SEED | io.btget.peer.KnownPeers.UTP
                | io.btget.peer.KnownPeers.CONNECTABLE;
        for (io.btget.peer.ext.pex.PexPeer peer : peers) {
            p.knownPeers().add(peer.address(), io.btget.peer.KnownPeers.Source.PEX, peer.flags() & kept);
        }
        p.wake();
    }

    /** Our listen address when bound to one (PEX contacts equal to it are refused). */
    private java.util.Set<java.net.InetSocketAddress> ownAddresses() {
        int port = listenPort;
        if (port == 0 || config.bind().isAnyLocalAddress()) {
            return java.util.Set.of();
        }
        return java.util.Set.of(new java.net.InetSocketAddress(config.bind(), port));
    }

    /** BEP 10 extension protocol and BEP 6 Fast; the DHT bit (BEP 5) when a node runs and the torrent is public. */
    @Override
    public io.btget.peer.Handshake.Features features() {
        return io.btget.peer.Handshake.Features.ALL.withDht(dht != null);
    }

    @Override
    public int dhtPort() {
        io.btget.dht.Dht d = dht;
        return d == null ? 0 : d.port();
    }

    /** A peer's PORT (BEP 5): its node is pinged and kept if it answers. Never for a private torrent (no node). */
    @Override
    public void dhtNodeLearnt(java.net.InetSocketAddress node) {
        io.btget.dht.Dht d = dht;
        if (d != null) {
            d.addNode(node);
        }
    }

    /** A peer's {@code yourip} (BEP 10) is a vote for our external address (BEP 42 node id); public torrents only. */
    @Override
    public void externalAddressReported(java.net.InetAddress external, java.net.InetAddress reporter) {
        io.btget.dht.Dht d = dht;
        if (d != null) {
            d.externalAddressReported(external, reporter);
        }
    }

    /** Whether a DHT search looked for peers of this torrent (for the user's last line when none was found). */
    public boolean dhtSearched() {
        return dhtSearch != null;
    }

    /** Dials that the peer ended during the handshake (see {@link io.btget.peer.PeerPool#handshakesClosedByPeer}). */
    public int handshakesClosedByPeer() {
        io.btget.peer.PeerPool p = pool;
        return p == null ? 0 : p.handshakesClosedByPeer();
    }

    /** Peers from a DHT search join the known-peer list with source DHT; the pool dials them as tracker peers. */
    private io.btget.dht.Dht.PeerSink dhtSink() {
        return new io.btget.dht.Dht.PeerSink() {
            @Override
            public void peersFound(List<java.net.InetSocketAddress> peers) {
                PeerPool p = pool;
                if (p != null) {
                    p.addKnown(peers, io.btget.peer.KnownPeers.Source.DHT);
                    p.wake();
                }
            }
        };
    }

    @Override
    public io.btget.peer.ext.ExtensionRegistry extensions() {
        return extensions;
    }

    /**
     * Runs the session to its end. The listen port is bound first, so a port that cannot be had fails at once
     * (announced as a {@code listening} event: port and address).
     *
     * @throws SessionException on a disk failure (verified data stays on disk)
     * @throws io.btget.net.Listener.ListenException when the listen port cannot be bound (its cause named)
     */
    public Outcome run() throws InterruptedException {
        pool = new PeerPool(this, config.maxPeers());
        listenPort = host.listen();
        if (!torrent.isPrivate()) { // BEP 27: a private torrent never touches the DHT
            dht = host.dht().orElse(null);
        }
        host.register(torrent.infoHash(), incoming); // held until the pool starts, refused once we end
        MetadataStage.Handover h = handover;
        if (h != null) {
            h.handTo(incoming); // peers that came between the stages: held by the stage's handover until now
        }
        String address = config.bind().getHostAddress();
        listener.event("listening", "listening for peers on " + (config.bind().isAnyLocalAddress() ? "port "
                : address + " port ") + listenPort, orderedFields("address", address, "port", listenPort));
        try {
            try {
                Files.createDirectories(config.outputDir());
            } catch (IOException e) {
                throw new SessionException("cannot create output directory " + config.outputDir() + ": " + reason(e), e);
            }
            storage = Storage.open(config.outputDir(), torrent, true, selection);
            if (selection.isAll()) {
                deleteStalePartFile();
            }
            completion.useStorage(storage);
            if (config.resume().dir() != null) {
                resumeFile = new io.btget.storage.ResumeFileKeeper(config.resume().dir(), torrent, storage);
            }
            try {
                return runWithStorage();
            } finally {
                try {
                    if (resumeFile != null && checkDone && !Thread.currentThread().isInterrupted()) {
                        resumeFile.saveAtExit(completion); // pieces verified since the last save, if any
                    }
                } finally {
                    storage.close();
                }
            }
        } finally {
            host.unregister(torrent.infoHash(), incoming);
            incoming.close();
            pool.close();
        }
    }

    private Outcome runWithStorage() throws InterruptedException {
        try {
            storage.checkFileTypes();
        } catch (StorageException e) {
            throw new SessionException(e.getMessage(), e);
        }
        checkExisting();
        try {
            if (!config.seedOnly()) {
                storage.refuseWritesThroughLinks(copyOfHave()::get);
            }
            storage.createEmptyFiles();
            if (isComplete()) {
                storage.trimToTorrentLengths();
            }
        } catch (StorageException e) {
            throw new SessionException(e.getMessage(), e);
        }
        int inFlightPieces = (int) Math.max(4, Limits.PIECE_BYTES_IN_FLIGHT / Math.max(1, torrent.pieceLength()));
        picker = new PiecePicker<>(torrent.pieceCount(), torrent::pieceSize, copyOfHave(), wantedBitfield(), new Random(),
                inFlightPieces);
        picker.setSequential(sequential);
        picker.usePriorities(priorities);
        completion.usePicker(picker);
        if (config.seedOnly() && !isComplete()) {
            return Outcome.INCOMPLETE;
        }
        if (isComplete() && !config.seed().enabled()) {
            phase = "complete";
            emitStats();
            return Outcome.COMPLETE;
        }
        List<List<String>> tiers = new ArrayList<>(torrent.trackerTiers());
        for (String t : config.extraTrackers()) {
            tiers.add(List.of(t));
        }
        if (tiers.isEmpty() && config.extraPeers().isEmpty() && initialPeers.isEmpty() && dht == null
                && !torrent.hasWebSeeds() && !(isComplete() && config.seed().enabled())) {
            listener.event("error", "the torrent has no trackers and no --peer was given: nowhere to find peers", Map.of());
            return Outcome.NO_PEERS;
        }
        choking = new Choking(config.maxUploads());
        pool.start();
        incoming.open(pool);
        pool.addKnown(config.extraPeers(), io.btget.peer.KnownPeers.Source.MANUAL);
        pool.addKnown(initialPeers, io.btget.peer.KnownPeers.Source.MAGNET);
        announcer = new Announcer(tiers, torrent.infoHash(), peerId.bytes(), listenPort,
                this::totals, pool::addKnown, trackerEvents());
        phase = isComplete() ? "seeding" : "downloading";
        emitStats(); // the phase's start, to the millisecond: a listener times the download from here
        announcer.start();
        trackerless = tiers.isEmpty();
        webSeeds = new io.btget.webseed.WebSeeds(torrent, storage.layout(), webSeedHost(),
                io.btget.webseed.WebSeedLimits.DEFAULT);
        if (!isComplete()) {
            webSeeds.start();
        }
        io.btget.dht.Dht d = dht;
        if (d != null) { // a seeder announces too: leechers find it through the DHT
            dhtSearch = d.search(torrent.infoHash(), listenPort, dhtSink());
        }
        try {
            return loop();
        } finally {
            phase = "stopping";
            io.btget.dht.Dht.Search search = dhtSearch;
            if (search != null) {
                search.close();
            }
            webSeeds.close();
            pool.close();
            announcer.close();
            phase = isComplete() ? "complete" : "stopped";
        }
    }

    private Outcome loop() throws InterruptedException {
        boolean announcedComplete = isComplete();
        long seedingSince = isComplete() ? System.nanoTime() : 0;
        long lastTick = 0;
        long lastRechoke = 0;
        long lastPeerHunt = System.nanoTime();
        while (true) {
            synchronized (tickLock) {
                if (fatal.get() == null && stopRequested == null) {
                    tickLock.wait(TICK_MILLIS);
                }
            }
            StorageException failure = fatal.get();
            if (failure != null) {
                throw new SessionException(failure.getMessage(), failure);
            }
            if (stopRequested != null) {
                return stopRequested;
            }
            long now = System.nanoTime();
            if (now - lastTick >= 1_000_000_000L) {
                lastTick = now;
                boolean complete = isComplete();
                // Each call is on one peer's behalf: whatever goes wrong ends that peer, never this loop.
                for (PeerConnection c : pool.connections()) {
                    if (complete && c.isSeed()) {
                        c.guard("close", () -> c.close("both complete", false)); // two seeds have nothing to trade
                    } else {
                        c.guard("tick", c::tick);
                    }
                }
            }
            // Few peers: ask the trackers again (the announcer keeps to their minimum interval). A seeder learns of
            // new leechers this way, and must dial those that never dial loopback peers (Transmission).
            if (now - lastPeerHunt > 5_000_000_000L && pool.connections().size() < Math.min(5, config.maxPeers())
                    && wantsOutgoingConnections()) {
                lastPeerHunt = now;
                announcer.announceNow();
                io.btget.dht.Dht.Search search = dhtSearch;
                if (search != null) {
                    search.lookAgain(); // rate-limited by the node
                }
            }
            boolean fullRechoke = now - lastRechoke >= Duration.ofSeconds(10).toNanos();
            if (fullRechoke) {
                lastRechoke = now;
            }
            choking.rechoke(pool.connections(), isComplete(), fullRechoke);
            emitStats();
            if (resumeFile != null) {
                resumeFile.saveSoon(completion, completion.haveCount());
            }
            if (isComplete()) {
                if (!announcedComplete) {
                    StorageException lost = filesLost();
                    if (lost != null) {
                        storageFailed(lost);
                        throw new SessionException(lost.getMessage(), lost);
                    }
                    announcedComplete = true;
                    if (resumeFile != null) {
                        resumeFile.saveInBackground(completion); // a restart of the complete torrent seeds without hashing
                    }
                    seedingSince = now;
                    phase = config.seed().enabled() ? "seeding" : "complete";
                    if (completion.isComplete()) {
                        announcer.completed(); // a partial selection is never a seed to trackers (as libtorrent)
                    }
                    emitStats(); // the download's end, to the millisecond, before the event that tells of it
                    listener.event("download_complete", selection.isAll()
                            ? "download complete: all " + torrent.pieceCount() + " pieces verified"
                            : "download complete: " + selection.selectedCount() + " of " + selection.userFileCount()
                                    + " files, all " + wantedCount + " of their pieces verified",
                            Map.of("pieces", wantedCount));
                }
                double ratio = wantedBytes == 0 ? 0 : uploaded.sum() / (double) wantedBytes;
                if (config.seed().done(ratio, Duration.ofNanos(now - seedingSince))) {
                    return Outcome.COMPLETE;
                }
                continue;
            }
            if (config.stalledAfter(now - completion.lastProgressAt())) {
                boolean anyone = announcer.anyTrackerResponded() || !pool.connections().isEmpty() || pool.knownCount() > 0
                        || torrent.hasWebSeeds();
                return anyone ? Outcome.STALLED : Outcome.NO_PEERS;
            }
            // Every tracker failed hard (README "Trackers") and there is no other source of peers: waiting for the
            // stall timeout would change nothing, so end now with the same outcome a silent tracker gets then. A user
            // who asked to wait without limit (--stall-timeout 0/inf) may be waiting for incoming peers: keep waiting.
            // The same when the web seeds were the only source (no trackers) and every one was given up or banned.
            boolean webSeedsFailed = torrent.hasWebSeeds() && !webSeeds.anyUsable();
            if ((announcer.everyTrackerFailedHard() || (webSeedsFailed && trackerless))
                    && !config.stallTimeout().isZero() && config.extraPeers().isEmpty()
                    && initialPeers.isEmpty() && dhtSearch == null
                    && pool.connections().isEmpty() && pool.knownCount() == 0 && !webSeeds.anyUsable()) {
                if (!trackerless) {
                    lastTrackerError = String.join("; ", announcer.lastErrors());
                }
                return Outcome.NO_PEERS;
            }
        }
    }

    /**
     * Finds what is already on disk, so a rerun only fetches what is missing: the pieces the resume file proves are
     * taken as they are, the rest is hash-checked ({@link io.btget.storage.RecheckPlan}); without a usable resume file
     * (or with {@code --recheck}) every piece is hashed, and a resume file is saved for the next start.
     */
    private void checkExisting() throws InterruptedException {
        phase = "checking";
        LongAdder checked = new LongAdder();
        Thread reporter = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                listener.stats(stats("checking", checked.sum()));
                try {
                    Thread.sleep(TICK_MILLIS);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "check-progress");
        reporter.setDaemon(true);
        reporter.start();
        io.btget.storage.RecheckPlan plan = resumeFile == null ? io.btget.storage.RecheckPlan.full(torrent.pieceCount())
                : resumeFile.plan(config.resume().recheck());
        if (!selection.isAll() && resumeFile != null) {
            // A run with a partial selection checks only its wanted pieces: its resume file records which pieces it
            // knows ("checked"), so a later run hashes the others instead of taking them as missing.
            resumeFile.partialSelection(plan, selection, wantedPieces());
        }
        BitSet good;
        BitSet toHash = (BitSet) plan.toHash().clone();
        BitSet trusted = (BitSet) plan.trusted().clone();
        try {
            if (!selection.isAll()) {
                // Only wanted pieces are checked. A piece shared with an unselected file has bytes in the part file,
                // which the resume file does not stamp: such pieces are hashed, never trusted.
                BitSet wanted = wantedPieces();
                toHash.and(wanted);
                trusted.and(wanted);
                for (int piece : io.btget.storage.PartFile.boundaryPieces(torrent.files(), torrent.pieceLength())) {
                    if (wanted.get(piece) && trusted.get(piece)) {
                        trusted.clear(piece);
                        toHash.set(piece);
                    }
                }
            }
            good = toHash.isEmpty() ? new BitSet()
                    : new Verifier(torrent, storage).verify(config.hashThreads(), checked::add, toHash);
            good.or(trusted);
        } catch (StorageException e) {
            throw new SessionException(e.getMessage(), e);
        } finally {
            reporter.interrupt();
            reporter.join();
        }
        completion.checked(good);
        checkDone = true;
        if (resumeFile != null) {
            if (toHash.isEmpty()) {
                resumeFile.alreadySaved(completion.copyOfHave()); // nothing changed on disk: the file says it all
            } else {
                resumeFile.saveInBackground(completion); // what the hashing found replaces what the file said
            }
        }
        if (completion.verifiedBytes() > 0) {
            int hashed = toHash.cardinality();
            int trustedCount = trusted.cardinality();
            listener.event("resumed", "found " + good.cardinality() + " of " + torrent.pieceCount()
                    + " pieces already on disk" + (trustedCount == 0 ? "" : " (" + trustedCount + " proved by the resume file, "
                    + (hashed == 0 ? "none" : hashed) + " hashed)"),
                    orderedFields("pieces", good.cardinality(), "hashed", hashed, "trusted", trustedCount));
        }
    }

    /** Event fields in the order given (JSON lines keep it). */
    private static Map<String, Object> orderedFields(Object... keysAndValues) {
        Map<String, Object> f = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            f.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return f;
    }

    private AnnouncerListener trackerEvents() {
        return new AnnouncerListener() {
            @Override
            public void announced(String url, io.btget.tracker.AnnounceEvent event, int peers) {
                log.info("tracker {}: {} peers", url, peers);
            }

            @Override
            public void failed(String url, String message) {
                if (phase.equals("stopping")) {
                    log.debug("tracker {} while stopping: {}", url, message);
                    return;
                }
                lastTrackerError = message.startsWith(url) ? message : url + ": " + message;
                listener.event("tracker_error", "tracker " + (message.startsWith(url) ? message : url + ": " + message),
                        Map.of("tracker", url, "message", message));
            }

            @Override
            public void warning(String url, String message) {
                listener.event("tracker_warning", "tracker " + url + " warns: "
                        + (message.startsWith(url + ": ") ? message.substring(url.length() + 2) : message),
                        Map.of("tracker", url, "message", message));
            }
        };
    }

    private TransferTotals totals() {
        return new TransferTotals(uploaded.sum(), downloaded.sum(), torrent.totalLength() - completion.verifiedBytes());
    }

    private void emitStats() {
        listener.stats(stats(phase, completion.verifiedBytes()));
    }

    private Stats stats(String phaseName, long verified) {
        List<PeerConnection> conns = pool == null ? List.of() : pool.connections();
        int seeds = 0;
        for (PeerConnection c : conns) {
            if (c.isSeed()) {
                seeds++;
            }
        }
        // With a selection the totals are the wanted pieces' (whole pieces: a boundary piece counts in full).
        Stats s = new Stats(phaseName, wantedBytes, Math.min(verified, wantedBytes), downloaded.sum(), uploaded.sum(),
                downloadRate.rate(), uploadRate.rate(), conns.size(), pool == null ? 0 : pool.knownCount(), seeds,
                Math.min(completion.haveCount(), wantedCount), wantedCount, completion.hashFailures(), wasted.sum(),
                (System.nanoTime() - startedAt) / 1_000_000);
        io.btget.webseed.WebSeeds w = webSeeds;
        if (w != null) {
            s = s.withWebSeeds(w.activeCount());
        }
        io.btget.dht.Dht d = dht;
        if (d == null) {
            return s;
        }
        io.btget.dht.Dht.Search search = dhtSearch;
        return s.withDht(dhtNodes(d), search == null ? 0 : search.peersFound());
    }

    /** Nodes in the DHT routing table, 0 when the node cannot tell (a progress view must not fail for it). */
    static int dhtNodes(io.btget.dht.Dht d) {
        try {
            return d.stats().nodes();
        } catch (RuntimeException e) {
            return 0;
        }
    }

    /** The last error a tracker reported, for the user's final line when nothing worked. */
    public java.util.Optional<String> lastTrackerError() {
        return java.util.Optional.ofNullable(lastTrackerError);
    }

    public Stats stats() {
        return stats(phase, completion.verifiedBytes());
    }

    // ---- TorrentContext ----

    @Override
    public InfoHash infoHash() {
        return torrent.infoHash();
    }

    @Override
    public PeerId ourPeerId() {
        return peerId;
    }

    @Override
    public void piecesAbandoned(List<Integer> pieces) {
        completion.abandoned(pieces);
    }

    @Override
    public int pieceCount() {
        return torrent.pieceCount();
    }

    @Override
    public int pieceSize(int piece) {
        return torrent.pieceSize(piece);
    }

    @Override
    public byte[] ourBitfieldWire() {
        return completion.bitfieldWire();
    }

    @Override
    public boolean havePiece(int piece) {
        return completion.havePiece(piece);
    }

    @Override
    public PiecePicker<io.btget.peer.BlockSource> picker() {
        return picker;
    }

    @Override
    public byte[] pieceBuffer(int piece) {
        return completion.pieceBuffer(piece);
    }

    @Override
    public void blockStored(PeerConnection from, BlockRequest block, byte[] buffer) {
        downloadRate.add(block.length());
        completion.blockStored(from, block, buffer);
    }

    @Override
    public void blockLost(BlockRequest block, byte[] buffer) {
        completion.blockLost(block, buffer);
    }

    /** What the web seeds see of this session: the picker and the completion path peers' blocks take. */
    private io.btget.webseed.WebSeedHost webSeedHost() {
        return new io.btget.webseed.WebSeedHost() {
            @Override
            public PiecePicker<io.btget.peer.BlockSource> picker() {
                return picker;
            }

            @Override
            public byte[] pieceBuffer(int piece) {
                return completion.pieceBuffer(piece);
            }

            @Override
            public void blockStored(io.btget.peer.BlockSource from, BlockRequest block, byte[] buffer) {
                downloaded.add(block.length());
                downloadRate.add(block.length());
                completion.blockStored(from, block, buffer);
            }

            @Override
            public void countWasted(int bytes) {
                downloaded.add(bytes);
                wasted.add(bytes);
            }

            @Override
            public void piecesAbandoned(List<Integer> pieces) {
                completion.abandoned(pieces);
            }

            @Override
            public boolean isComplete() {
                return TorrentSession.this.isComplete();
            }

            @Override
            public RateLimiter downloadLimiter() {
                return downloadLimiter;
            }

            @Override
            public void event(String type, String message, Map<String, Object> fields) {
                if (type.equals("webseed_failed")) {
                    lastWebSeedError = message;
                }
                if (!phase.equals("stopping")) {
                    listener.event(type, message, fields);
                }
            }
        };
    }

    /** Whether the run had a tracker to ask (the torrent's or --tracker); known once {@link #run()} has begun. */
    public boolean hadTrackers() {
        return !trackerless;
    }

    /** Why the last web seed was given up ("web seed URL cannot be used: ..."), for the final line; empty if none. */
    public java.util.Optional<String> lastWebSeedError() {
        return java.util.Optional.ofNullable(lastWebSeedError);
    }

    /**
     * A storage error we cannot go on after (disk full, I/O error, permission or file lost): the network stops at
     * once and for good (the picker takes no more blocks and picks nothing, every connection is closed, no more
     * dialing or accepting), the data of pieces being assembled is counted as wasted, and the session loop ends
     * with the first such error. Any thread may call it, more than once.
     */
    private void storageFailed(StorageException e) {
        if (!fatal.compareAndSet(null, e)) {
            return;
        }
        log.debug("storage failed; stopping the network", e);
        picker.stop();
        completion.discardAll();
        pool.close();
        wakeLoop();
    }

    /**
     * Before a download is called complete: is every file still where we wrote it? A file deleted or replaced (by
     * a directory, say) during the run does not fail our writes, which go on into the open, unlinked file; without
     * this check the run would report success over data that is gone.
     *
     * @return the first file that is missing, not a regular file, or shorter than the torrent says; null if none
     */
    private StorageException filesLost() {
        List<io.btget.metainfo.FileEntry> files = storage.layout().files();
        for (int i = 0; i < files.size(); i++) {
            io.btget.metainfo.FileEntry f = files.get(i);
            if (!f.padding() && !storage.inPartFile(i) && !storage.intact(i)) {
                return new StorageException(storage.path(i) + " was deleted or replaced during the download;"
                        + " what was written to it is lost");
            }
        }
        return null;
    }

    /**
     * Wakes for INTERESTED at most this often: a peer toggling its interest at wire speed must not spin the loop
     * (each wake costs a pass over the peers); 100 passes a second still unchoke a newcomer in milliseconds.
     */
    private static final long INTEREST_WAKE_GAP_NANOS = 10_000_000;
    private final java.util.concurrent.atomic.AtomicLong lastInterestWake = new java.util.concurrent.atomic.AtomicLong();

    @Override
    public void peerInterested(PeerConnection peer) {
        long now = System.nanoTime();
        long last = lastInterestWake.get();
        if (peer.amChoking() && now - last >= INTEREST_WAKE_GAP_NANOS && lastInterestWake.compareAndSet(last, now)) {
            wakeLoop(); // the loop's rechoke gives it a free slot now, not at the next tick
        }
    }

    private void wakeLoop() {
        synchronized (tickLock) {
            tickLock.notifyAll();
        }
    }

    @Override
    public boolean readBlock(int piece, int offset, int length, byte[] dst) {
        if (!havePiece(piece)) {
            return false;
        }
        try {
            return storage.read((long) piece * torrent.pieceLength() + offset, dst, 0, length);
        } catch (StorageException e) {
            storageFailed(e); // verified data we cannot read: as fatal as a write that fails
            return false;
        }
    }

    @Override
    public RateLimiter downloadLimiter() {
        return downloadLimiter;
    }

    @Override
    public RateLimiter uploadLimiter() {
        return uploadLimiter;
    }

    @Override
    public void countDownloaded(int bytes, boolean wastedBytes) {
        downloaded.add(bytes);
        if (wastedBytes) {
            wasted.add(bytes);
        }
    }

    @Override
    public void countUploaded(int bytes) {
        uploaded.add(bytes);
        uploadRate.add(bytes);
    }

    @Override
    public void connectionClosed(PeerConnection connection, String reason, boolean misbehaved) {
        if (misbehaved) {
            Map<String, Object> f = new LinkedHashMap<>();
            String peer = io.btget.net.SocketAddresses.text(connection.address());
            f.put("peer", peer);
            f.put("reason", reason);
            listener.event("peer_banned", "dropped peer " + peer + ": " + reason, f);
        }
    }

    /**
     * Every wanted piece verified: all of them without a selection. With one, {@code have} may also hold pieces that
     * are not wanted, so the count alone cannot tell; the bitfield is compared once the count allows it, and the
     * answer kept (verified pieces are never lost).
     */
    @Override
    public boolean isComplete() {
        BitSet w = wanted;
        if (w == null) {
            return completion.isComplete();
        }
        if (selectionComplete) {
            return true;
        }
        if (completion.haveCount() < wantedCount) {
            return false;
        }
        Bitfield have = completion.copyOfHave();
        for (int p = w.nextSetBit(0); p >= 0; p = w.nextSetBit(p + 1)) {
            if (!have.get(p)) {
                return false;
            }
        }
        selectionComplete = true;
        return true;
    }

    /** The wanted pieces: those of the selected files, or all. */
    private BitSet wantedPieces() {
        BitSet w = wanted;
        if (w != null) {
            return (BitSet) w.clone();
        }
        BitSet all = new BitSet(torrent.pieceCount());
        all.set(0, torrent.pieceCount());
        return all;
    }

    private Bitfield wantedBitfield() {
        BitSet w = wanted;
        if (w == null) {
            return null;
        }
        Bitfield b = new Bitfield(torrent.pieceCount());
        for (int p = w.nextSetBit(0); p >= 0; p = w.nextSetBit(p + 1)) {
            b.set(p);
        }
        return b;
    }

    /** With every file selected nothing routes to a part file: one left by an earlier, partial run goes. */
    private void deleteStalePartFile() {
        try {
            io.btget.storage.PartFile.delete(config.outputDir().toAbsolutePath().normalize(), torrent.infoHash().hex());
        } catch (IOException e) {
            log.warn("could not remove the part file of an earlier selection: {}", reason(e));
        }
    }

    @Override
    public boolean wantsOutgoingConnections() {
        return !isComplete() || config.seed().enabled();
    }

    private Bitfield copyOfHave() {
        return completion.copyOfHave();
    }

    private static String reason(IOException e) {
        return io.btget.storage.IoReason.of(e);
    }

    @Override
    public io.btget.net.Dialer dialer() {
        return host.dialer();
    }
}
