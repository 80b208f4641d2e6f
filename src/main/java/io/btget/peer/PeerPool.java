package io.btget.peer;

import io.btget.net.Transport;
import io.btget.piece.Bitfield;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The peers of one torrent. Known peers (addresses from trackers, with their dial history) are kept apart from
 * connected ones, as libtorrent does: a dialer keeps up to {@code maxPeers} connections open, backs off from
 * peers that fail, never redials a peer that misbehaved, and never connects to itself. Incoming connections
 * reach it through {@link #accept}, from the process's one listener ({@code client.Client} routes each by info
 * hash), and count against the same limit.
 *
 * <p>The pool is the one owner of the connection lifecycle. A connection becomes visible to the rest of the session
 * (the list {@link #connections()} returns) only once it is whole: handshaken, registered with the picker. When it
 * ends, whoever closes it (its reader, its writer, the session, the pool) reaches {@link #closed} exactly once,
 * which takes it off the list and out of the picker under one lock, so no thread finds it on one and not the other.
 *
 * <p>Threads: the dialer, one thread per dial, the process listener's thread per incoming handshake, the
 * connections' own threads (closing) and the session thread (reading the list, closing).
 */
public final class PeerPool implements AutoCloseable, PeerConnection.Owner, IncomingHandler {
    private static final Logger log = LoggerFactory.getLogger(PeerPool.class);

    private final TorrentContext ctx;
    private final int maxPeers;
    /** Thread-safe on its own; taken inside {@code lock} at times, never the other way round. */
    private final KnownPeers known;
    /**
     * Whole connections. Written only under {@code lock} (together with the picker's registration); read without
     * it as a snapshot (copy-on-write) by the session.
     */
    private final List<PeerConnection> connected = new CopyOnWriteArrayList<>();
    /** Dials in progress; incremented under {@code lock} when a dial is chosen, decremented when it ends. */
    private final AtomicInteger dialing = new AtomicInteger();
    private final Object lock = new Object();
    /** Written under {@code lock} (so no connection is listed after close), read anywhere. */
    private volatile boolean closed;
    /** Set by {@link #start()}, read by {@link #close()} (which a reader thread may call). */
    private volatile Thread dialer;

    public PeerPool(TorrentContext ctx, int maxPeers) {
        this(ctx, maxPeers, new KnownPeers());
    }

    /** A pool dialing from {@code known} (which the session may also feed from PEX, the metadata stage ...). */
    public PeerPool(TorrentContext ctx, int maxPeers, KnownPeers known) {
        this.ctx = ctx;
        this.known = known;
        this.maxPeers = Math.max(1, Math.min(maxPeers, Limits.MAX_PEERS_CEILING));
    }

    /** Starts dialing known peers (incoming ones are accepted from construction on, through {@link #accept}). */
    public void start() {
        dialer = Threads.startPlatform("peer-dialer", this::dialLoop);
    }

    /** Adds addresses learnt from a tracker. */
    public void addKnown(Collection<InetSocketAddress> addresses) {
        addKnown(addresses, KnownPeers.Source.TRACKER);
    }

    /** Adds addresses learnt from {@code source}; addresses that cannot be peers are ignored. */
    public void addKnown(Collection<InetSocketAddress> addresses, KnownPeers.Source source) {
        for (InetSocketAddress a : addresses) {
            known.add(a, source, 0);
        }
        wake();
    }

    /** The known-peer list this pool dials from. */
    public KnownPeers knownPeers() {
        return known;
    }

    /**
     * The whole, open connections, as a live read-only view (iterating it sees a snapshot). A connection may close
     * on its own thread right after being read from it: callers tolerate that (a closed connection ignores calls).
     */
    public List<PeerConnection> connections() {
        return Collections.unmodifiableList(connected);
    }

    private final java.util.concurrent.atomic.AtomicInteger handshakesClosed = new java.util.concurrent.atomic.AtomicInteger();

    public int knownCount() {
        return known.size();
    }

    /**
     * Dials the peer ended during the handshake (it closed the connection, or broke off the encryption handshake):
     * what a peer whose encryption setting excludes ours does, so a run that stalls can say so.
     */
    public int handshakesClosedByPeer() {
        return handshakesClosed.get();
    }

    /** Bans a peer address: it is never dialled again. */
    public void ban(InetSocketAddress address) {
        known.ban(address);
    }

    // ---- dialing ----

    private void dialLoop() {
        while (!closed) {
            List<InetSocketAddress> toDial = new ArrayList<>();
            synchronized (lock) {
                long now = System.nanoTime();
                int room = maxPeers - connected.size() - dialing.get();
                if (room > 0 && ctx.wantsOutgoingConnections()) {
                    toDial.addAll(known.candidates(room, now));
                    dialing.addAndGet(toDial.size()); // counted before the lock is let go, so room is never overcounted
                }
                if (toDial.isEmpty()) {
                    try {
                        lock.wait(500);
                    } catch (InterruptedException e) {
                        return;
                    }
                    continue;
                }
            }
            for (InetSocketAddress a : toDial) {
                Threads.start("dial " + a, () -> dial(a));
            }
        }
    }

    /** Asks the dialer to look again now (e.g. a connection closed, or we became a seed). */
    public void wake() {
        synchronized (lock) {
            lock.notifyAll();
        }
    }

    private void dial(InetSocketAddress a) {
        Transport t = null;
        boolean ok = false;
        boolean wrongTorrent = false;
        try {
            Handshake ours = ourHandshake();
            if (known.get(a).map(i -> (i.flags() & KnownPeers.ENCRYPTION) != 0).orElse(false)) {
                ctx.dialer().peerPrefersEncryption(a); // PEX flag 0x01: encryption first, whatever worked before
            }
            t = ctx.dialer().dial(a, ctx.infoHash(), ours.encode(), Limits.CONNECT_TIMEOUT_MILLIS,
                    Limits.HANDSHAKE_TIMEOUT_MILLIS);
            Handshake theirs = readHandshake(t.in());
            ok = admit(t, ours, theirs, a, false);
        } catch (WireException e) {
            // a bad handshake (another torrent, another protocol) will not get better: never dial it again
            log.debug("dial {} failed: {}", a, e.getMessage());
            wrongTorrent = true;
        } catch (IOException e) {
            if (e instanceof java.io.EOFException || e instanceof io.btget.mse.MseException) {
                handshakesClosed.incrementAndGet();
            }
            log.debug("dial {} failed: {}", a, io.btget.net.IoFailures.describe(e));
        } catch (RuntimeException e) {
            log.debug("dial {} failed", a, e); // one peer's failure is never more than that peer's
        } finally {
            dialing.decrementAndGet();
            if (!ok) {
                if (t != null) {
                    t.close();
                }
                failed(a, wrongTorrent);
            }
            wake();
        }
    }

    private void failed(InetSocketAddress a, boolean ban) {
        known.dialFailed(a, ban, System.nanoTime()); // 5 s, 10 s, 20 s ... capped at 5 minutes
    }

    // ---- accepting ----

    /**
     * An incoming connection whose handshake start (protocol, reserved bits, info hash) the process listener has
     * read and routed here: we answer with our whole handshake, read the peer id, and admit it.
     *
     * @return false when it was refused (the caller closes the transport)
     */
    @Override
    public boolean accept(Transport t, Handshake.Start start) {
        if (closed || connected.size() >= maxPeers || !start.infoHash().equals(ctx.infoHash())) {
            return false;
        }
        try {
            Handshake ours = sendHandshake(t.out());
            PeerId id = Handshake.readPeerId(new DataInputStream(t.in()));
            return admit(t, ours, start.withPeerId(id), t.remoteAddress(), true);
        } catch (IOException e) {
            log.debug("incoming {} failed: {}", t.remoteAddress(), io.btget.net.IoFailures.describe(e));
            return false;
        } catch (RuntimeException e) {
            log.debug("incoming {} failed", t.remoteAddress(), e);
            return false;
        }
    }

    // ---- handshake ----

    /** Our handshake: reserved bits from what we support. */
    private Handshake ourHandshake() {
        return Handshake.ours(ctx.infoHash(), ctx.ourPeerId(), ctx.features());
    }

    /** Sends our handshake (reserved bits from what we support) and returns it. */
    private Handshake sendHandshake(OutputStream out) throws IOException {
        Handshake ours = ourHandshake();
        out.write(ours.encode());
        out.flush();
        return ours;
    }

    private Handshake readHandshake(InputStream in) throws IOException, WireException {
        Handshake h = Handshake.read(new DataInputStream(in));
        if (!h.infoHash().equals(ctx.infoHash())) {
            throw new WireException("handshake for another torrent (" + h.infoHash() + ")");
        }
        return h;
    }

    /**
     * Final checks after a handshake (not ourselves, not a duplicate, not banned, room left), then the connection is
     * made whole and visible in one step under {@code lock}: registered with the picker, then listed. Only then do
     * its threads start, so nothing can close it before it is on every list. What others send it between listing
     * and start waits until start has queued our BITFIELD (see {@link PeerConnection#start()}).
     */
    private boolean admit(Transport t, Handshake ours, Handshake theirs, InetSocketAddress dialedAddress,
            boolean incoming) throws IOException {
        PeerId peerId = theirs.peerId();
        if (peerId.equals(ctx.ourPeerId())) {
            log.debug("{} is ourselves; not dialling it again", dialedAddress);
            ban(dialedAddress);
            return false;
        }
        PeerConnection c;
        synchronized (lock) {
            if (closed || known.isBanned(dialedAddress) || connected.size() >= maxPeers) {
                return false;
            }
            if (known.isBannedPeerId(peerId)) {
                log.debug("{} is {}, banned for misbehaving; refused", dialedAddress, peerId.clientDescription());
                return false;
            }
            for (PeerConnection other : connected) {
                if (other.remotePeerId().equals(peerId)) {
                    return false; // already connected to this peer the other way round
                }
            }
            known.connected(dialedAddress);
            t.setReadTimeout(0);
            c = PeerConnection.over(t, ours, theirs, incoming, ctx, this);
            if (ctx.metadataKnown()) {
                ctx.picker().addPeer(c, new Bitfield(ctx.pieceCount()));
            }
            connected.add(c);
        }
        log.debug("connected to {} ({}, {})", dialedAddress, incoming ? "incoming" : "outgoing", peerId.clientDescription());
        c.start();
        return true;
    }

    /**
     * A connection ended (called once per connection, by {@link PeerConnection#close}, on whichever thread closed
     * it): off the list and out of the picker in one step, then its abandoned pieces are dropped and the session
     * is told.
     */
    @Override
    public void closed(PeerConnection c, String reason, boolean misbehaved) {
        // A seed is of no use to us once we are complete: do not redial it for a long while.
        long retrySeconds = ctx.isComplete() && c.isSeed() ? Limits.SEED_REDIAL_SECONDS : Limits.REDIAL_FIRST_SECONDS;
        List<Integer> abandoned;
        synchronized (lock) {
            connected.remove(c);
            abandoned = ctx.metadataKnown() ? ctx.picker().removePeer(c) : List.of();
            known.closed(c.address(), misbehaved, retrySeconds, System.nanoTime());
            if (misbehaved) {
                known.banPeerId(c.remotePeerId());
            }
            c.peerListenAddress().ifPresent(a -> known.closed(a, misbehaved, retrySeconds, System.nanoTime()));
            lock.notifyAll();
        }
        if (!abandoned.isEmpty()) {
            ctx.piecesAbandoned(abandoned);
        }
        ctx.connectionClosed(c, reason, misbehaved);
    }

    /** An incoming peer's listen port (BEP 10 {@code p}): a connectable address to dial again and pass on. */
    @Override
    public void learntListenPort(PeerConnection c, int port) {
        InetSocketAddress listening = new InetSocketAddress(c.address().getAddress(), port);
        if (known.add(listening, KnownPeers.Source.INCOMING, KnownPeers.CONNECTABLE)) {
            known.connected(listening); // we are connected to it already: the dialer leaves it alone until it ends
        }
    }

    /**
     * Stops everything: no more accepting or dialing, every connection closed. Safe to call more than once and from
     * any thread (a reader thread that hit a fatal disk error calls it).
     */
    @Override
    public void close() {
        List<PeerConnection> toClose;
        synchronized (lock) {
            closed = true;
            toClose = new ArrayList<>(connected);
            lock.notifyAll();
        }
        Thread d = dialer;
        if (d != null) {
            d.interrupt();
        }
        for (PeerConnection c : toClose) {
            c.close("shutting down", false);
        }
    }
}
