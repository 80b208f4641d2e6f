package io.btget.peer;

import io.btget.metainfo.InfoHash;
import io.btget.piece.Bitfield;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The peers of one torrent. Known peers (addresses from trackers, with their dial history) are kept apart from
 * connected ones, as libtorrent does: a dialer keeps up to {@code maxPeers} connections open, backs off from
 * peers that fail, never redials a peer that misbehaved, and never connects to itself. Incoming connections are
 * accepted on the listen port and count against the same limit.
 *
 * <p>The pool is the one owner of the connection lifecycle. A connection becomes visible to the rest of the session
 * (the list {@link #connections()} returns) only once it is whole: handshaken, registered with the picker. When it
 * ends, whoever closes it (its reader, its writer, the session, the pool) reaches {@link #closed} exactly once,
 * which takes it off the list and out of the picker under one lock, so no thread finds it on one and not the other.
 *
 * <p>Threads: the dialer, one thread per dial and per incoming handshake, the acceptor, the connections' own
 * threads (closing) and the session thread (reading the list, closing).
 */
public final class PeerPool implements AutoCloseable, PeerConnection.Owner {
    private static final Logger log = LoggerFactory.getLogger(PeerPool.class);

    private final TorrentContext ctx;
    private final int maxPeers;
    /** Guarded by {@code lock}. */
    private final Map<InetSocketAddress, KnownPeer> known = new LinkedHashMap<>();
    /**
     * Whole connections. Written only under {@code lock} (together with the picker's registration); read without
     * it as a snapshot (copy-on-write) by the session.
     */
    private final List<PeerConnection> connected = new CopyOnWriteArrayList<>();
    /** Incoming handshakes in progress: incremented by the acceptor thread only, decremented when one ends. */
    private final AtomicInteger handshaking = new AtomicInteger();
    /** Dials in progress; incremented under {@code lock} when a dial is chosen, decremented when it ends. */
    private final AtomicInteger dialing = new AtomicInteger();
    private final Object lock = new Object();
    /** Written under {@code lock} (so no connection is listed after close), read anywhere. */
    private volatile boolean closed;
    /** Set by {@link #listen} before the acceptor starts; closed by {@link #close}. */
    private volatile ServerSocket server;
    /** Set by {@link #start()}, read by {@link #close()} (which a reader thread may call). */
    private volatile Thread dialer;

    /** What we remember of a peer address. Guarded by {@code lock}. */
    private static final class KnownPeer {
        int failures;
        long nextAttemptNanos;
        boolean banned;
        boolean busy; // dialing or connected
    }

    public PeerPool(TorrentContext ctx, int maxPeers) {
        this.ctx = ctx;
        this.maxPeers = Math.max(1, Math.min(maxPeers, Limits.MAX_PEERS_CEILING));
    }

    /**
     * Why we cannot listen, with the cause named for the user ("port 6881 is in use", "--bind 192.0.2.1 is not an
     * address of this machine").
     */
    public static final class ListenException extends RuntimeException {
        private final boolean badAddress;

        ListenException(String message, boolean badAddress, Throwable cause) {
            super(message, cause);
            this.badAddress = badAddress;
        }

        /** The --bind address itself is wrong (a usage error), rather than the port taken or refused. */
        public boolean badAddress() {
            return badAddress;
        }
    }

    /**
     * Binds the listen socket; incoming peers are accepted from {@link #start()} on. An {@code exact} port (the user
     * gave {@code -p}) must be free; otherwise, when {@code port} is taken, the next free one up to
     * {@link Limits#LISTEN_PORT_TRIES} above it is used (logged). Port 0 takes any free port.
     *
     * @return the port actually bound
     * @throws ListenException naming the cause: the port is in use, the address is not one of this machine's, or
     *     what the system said
     */
    public int listen(InetAddress bind, int port, boolean exact) {
        int lastPort = exact || port == 0 ? port : Math.min(65535, port + Limits.LISTEN_PORT_TRIES);
        for (int p = port; p <= lastPort; p++) {
            ServerSocket s = null;
            try {
                s = new ServerSocket();
                s.setReuseAddress(true);
                s.bind(new InetSocketAddress(bind, p), 128);
                server = s;
                if (p != port) {
                    log.info("port {} is in use; listening on port {} instead", port, s.getLocalPort());
                }
                return s.getLocalPort();
            } catch (IOException e) {
                closeQuietly(s);
                String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
                if (e instanceof BindException && why.contains("Cannot assign requested address")) {
                    throw new ListenException("--bind " + bind.getHostAddress() + " is not an address of this machine",
                            true, e);
                }
                if (!(e instanceof BindException) || !why.contains("in use")) {
                    throw new ListenException("cannot listen on " + bind.getHostAddress() + " port " + p + ": " + why,
                            false, e);
                }
                if (exact) {
                    throw new ListenException("port " + p + " is in use", false, e);
                }
            }
        }
        throw new ListenException("ports " + port + ".." + lastPort + " are all in use", false, null);
    }

    /** Starts accepting incoming peers (if {@link #listen} bound a socket) and dialing known ones. */
    public void start() {
        if (server != null) {
            Threads.startPlatform("peer-accept", this::acceptLoop);
        }
        dialer = Threads.startPlatform("peer-dialer", this::dialLoop);
    }

    /** Adds addresses learnt from a tracker (or the command line). */
    public void addKnown(Collection<InetSocketAddress> addresses) {
        synchronized (lock) {
            for (InetSocketAddress a : addresses) {
                if (a.getPort() <= 0 || a.getAddress() == null || a.getAddress().isAnyLocalAddress()
                        || a.getAddress().isMulticastAddress()) {
                    continue;
                }
                if (known.size() >= Limits.MAX_KNOWN_PEERS && !known.containsKey(a)) {
                    continue;
                }
                known.putIfAbsent(a, new KnownPeer());
            }
            lock.notifyAll();
        }
    }

    /**
     * The whole, open connections, as a live read-only view (iterating it sees a snapshot). A connection may close
     * on its own thread right after being read from it: callers tolerate that (a closed connection ignores calls).
     */
    public List<PeerConnection> connections() {
        return Collections.unmodifiableList(connected);
    }

    public int knownCount() {
        synchronized (lock) {
            return known.size();
        }
    }

    /** Bans a peer address: it is disconnected and never dialled again. */
    public void ban(InetSocketAddress address) {
        synchronized (lock) {
            KnownPeer k = known.get(address);
            if (k == null && known.size() < Limits.MAX_KNOWN_PEERS) {
                k = new KnownPeer(); // bounded like every table the network feeds
                known.put(address, k);
            }
            if (k != null) {
                k.banned = true;
            }
        }
    }

    // ---- dialing ----

    private void dialLoop() {
        while (!closed) {
            List<InetSocketAddress> toDial = new ArrayList<>();
            synchronized (lock) {
                long now = System.nanoTime();
                int room = maxPeers - connected.size() - dialing.get();
                if (room > 0 && ctx.wantsOutgoingConnections()) {
                    List<Map.Entry<InetSocketAddress, KnownPeer>> candidates = new ArrayList<>();
                    for (Map.Entry<InetSocketAddress, KnownPeer> e : known.entrySet()) {
                        KnownPeer k = e.getValue();
                        if (!k.banned && !k.busy && k.nextAttemptNanos - now <= 0) {
                            candidates.add(e);
                        }
                    }
                    candidates.sort(Comparator.comparingInt(e -> e.getValue().failures));
                    for (int i = 0; i < candidates.size() && toDial.size() < room; i++) {
                        candidates.get(i).getValue().busy = true;
                        toDial.add(candidates.get(i).getKey());
                        dialing.incrementAndGet(); // counted before the lock is let go, so room is never overcounted
                    }
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
        Socket s = new Socket();
        boolean ok = false;
        boolean wrongTorrent = false;
        try {
            s.connect(a, Limits.CONNECT_TIMEOUT_MILLIS);
            s.setTcpNoDelay(true);
            s.setSoTimeout(Limits.HANDSHAKE_TIMEOUT_MILLIS);
            sendHandshake(s.getOutputStream());
            Handshake theirs = readHandshake(s.getInputStream());
            ok = admit(s, theirs, a, false);
        } catch (WireException e) {
            // a bad handshake (another torrent, another protocol) will not get better: never dial it again
            log.debug("dial {} failed: {}", a, e.getMessage());
            wrongTorrent = true;
        } catch (IOException e) {
            log.debug("dial {} failed: {}", a, e.getMessage());
        } catch (RuntimeException e) {
            log.debug("dial {} failed", a, e); // one peer's failure is never more than that peer's
        } finally {
            dialing.decrementAndGet();
            if (!ok) {
                closeQuietly(s);
                failed(a, wrongTorrent);
            }
            wake();
        }
    }

    private void failed(InetSocketAddress a, boolean ban) {
        synchronized (lock) {
            KnownPeer k = known.get(a);
            if (k == null) {
                return;
            }
            k.busy = false;
            k.failures++;
            k.banned |= ban;
            // 5 s, 10 s, 20 s ... capped at 5 minutes.
            long backoffSeconds = Math.min(Limits.REDIAL_MAX_SECONDS,
                    (long) Limits.REDIAL_FIRST_SECONDS << Math.min(6, k.failures - 1));
            k.nextAttemptNanos = System.nanoTime() + backoffSeconds * 1_000_000_000L;
        }
    }

    // ---- accepting ----

    private void acceptLoop() {
        while (!closed) {
            Socket s;
            try {
                s = server.accept();
            } catch (IOException e) {
                if (!closed) {
                    log.debug("accept failed: {}", e.getMessage());
                    try {
                        Thread.sleep(100); // out of descriptors, say: do not spin a core on it
                    } catch (InterruptedException stop) {
                        return;
                    }
                }
                continue;
            }
            // Peers that connect and then say nothing hold a thread for up to the handshake timeout each: at most
            // maxPeers of them at once, the rest are hung up on at once. Only this thread increments, so the
            // check and the increment cannot be split by another acceptor.
            if (handshaking.get() >= maxPeers || connected.size() >= maxPeers) {
                closeQuietly(s);
                continue;
            }
            handshaking.incrementAndGet();
            Threads.start("accept " + s.getRemoteSocketAddress(), () -> {
                try {
                    acceptOne(s);
                } finally {
                    handshaking.decrementAndGet();
                }
            });
        }
    }

    private void acceptOne(Socket s) {
        boolean ok = false;
        try {
            s.setTcpNoDelay(true);
            s.setSoTimeout(Limits.HANDSHAKE_TIMEOUT_MILLIS);
            if (connected.size() >= maxPeers) {
                return;
            }
            Handshake theirs = readHandshake(s.getInputStream());
            sendHandshake(s.getOutputStream());
            ok = admit(s, theirs, (InetSocketAddress) s.getRemoteSocketAddress(), true);
        } catch (IOException e) {
            log.debug("incoming {} failed: {}", s.getRemoteSocketAddress(), e.getMessage());
        } catch (RuntimeException e) {
            log.debug("incoming {} failed", s.getRemoteSocketAddress(), e);
        } finally {
            if (!ok) {
                closeQuietly(s);
            }
        }
    }

    // ---- handshake ----

    private void sendHandshake(OutputStream out) throws IOException {
        out.write(Handshake.ours(ctx.infoHash(), ctx.ourPeerId(), false).encode());
        out.flush();
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
    private boolean admit(Socket s, Handshake theirs, InetSocketAddress dialedAddress, boolean incoming) throws IOException {
        PeerId peerId = theirs.peerId();
        if (peerId.equals(ctx.ourPeerId())) {
            log.debug("{} is ourselves; not dialling it again", dialedAddress);
            ban(dialedAddress);
            return false;
        }
        PeerConnection c;
        synchronized (lock) {
            KnownPeer k = known.get(dialedAddress);
            if (closed || (k != null && k.banned) || connected.size() >= maxPeers) {
                return false;
            }
            for (PeerConnection other : connected) {
                if (other.remotePeerId().equals(peerId)) {
                    return false; // already connected to this peer the other way round
                }
            }
            if (k != null) {
                k.busy = true;
                k.failures = 0;
            }
            s.setSoTimeout(0);
            c = PeerConnection.over(s, peerId, incoming, ctx, this);
            ctx.picker().addPeer(c, new Bitfield(ctx.pieceCount()));
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
            abandoned = ctx.picker().removePeer(c);
            KnownPeer k = known.get(c.address());
            if (k == null && misbehaved && known.size() < Limits.MAX_KNOWN_PEERS) {
                k = new KnownPeer();
                known.put(c.address(), k);
            }
            if (k != null) {
                k.busy = false;
                k.banned |= misbehaved;
                k.nextAttemptNanos = System.nanoTime() + retrySeconds * 1_000_000_000L;
            }
            lock.notifyAll();
        }
        if (!abandoned.isEmpty()) {
            ctx.piecesAbandoned(abandoned);
        }
        ctx.connectionClosed(c, reason, misbehaved);
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
        ServerSocket s = server;
        if (s != null) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing
            }
        }
        Thread d = dialer;
        if (d != null) {
            d.interrupt();
        }
        for (PeerConnection c : toClose) {
            c.close("shutting down", false);
        }
    }

    private static void closeQuietly(java.io.Closeable s) {
        if (s == null) {
            return;
        }
        try {
            s.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }
}
