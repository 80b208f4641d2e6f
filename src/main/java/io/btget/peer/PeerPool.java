package io.btget.peer;

import io.btget.metainfo.InfoHash;
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
 */
public final class PeerPool implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PeerPool.class);

    private final TorrentContext ctx;
    private final int maxPeers;
    private final Map<InetSocketAddress, KnownPeer> known = new LinkedHashMap<>();
    private final List<PeerConnection> connected = new CopyOnWriteArrayList<>();
    private final AtomicInteger dialing = new AtomicInteger();
    private final Object lock = new Object();
    private volatile boolean closed;
    private ServerSocket server;
    private Thread dialer;

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
     * Listens for incoming peers on {@code port}, or the next free port above it (up to 50 further) when taken.
     *
     * @return the port actually bound
     */
    public int listen(InetAddress bind, int port) throws IOException {
        IOException last = null;
        int last0 = Math.min(65535, port + Limits.LISTEN_PORT_TRIES);
        for (int p = port; p <= last0; p++) {
            try {
                ServerSocket s = new ServerSocket();
                s.setReuseAddress(true);
                s.bind(new InetSocketAddress(bind, p), 128);
                server = s;
                Threads.startPlatform("peer-accept", this::acceptLoop);
                return s.getLocalPort();
            } catch (BindException e) {
                last = e;
            }
        }
        throw new IOException("no free port in " + port + ".." + last0, last);
    }

    public void start() {
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

    public List<PeerConnection> connections() {
        return connected;
    }

    public int knownCount() {
        synchronized (lock) {
            return known.size();
        }
    }

    /** Bans a peer address: it is disconnected and never dialled again. */
    public void ban(InetSocketAddress address) {
        synchronized (lock) {
            known.computeIfAbsent(address, a -> new KnownPeer()).banned = true;
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
                dialing.incrementAndGet();
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
                }
                continue;
            }
            Threads.start("accept " + s.getRemoteSocketAddress(), () -> acceptOne(s));
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

    /** Final checks after a handshake: not ourselves, not a duplicate, not banned, room left. */
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
            c = PeerConnection.over(s, peerId, incoming, ctx);
            connected.add(c);
        }
        log.debug("connected to {} ({}, {})", dialedAddress, incoming ? "incoming" : "outgoing", peerId.clientDescription());
        c.start();
        return true;
    }

    /** The session calls this when a connection ends. */
    public void removed(PeerConnection c, boolean misbehaved) {
        synchronized (lock) {
            connected.remove(c);
            KnownPeer k = known.get(c.address());
            if (k != null) {
                k.busy = false;
                k.banned |= misbehaved;
                // A seed is of no use to us once we are complete: do not redial it for a long while.
                long retrySeconds = ctx.isComplete() && c.isSeed() ? Limits.SEED_REDIAL_SECONDS : Limits.REDIAL_FIRST_SECONDS;
                k.nextAttemptNanos = System.nanoTime() + retrySeconds * 1_000_000_000L;
            } else if (misbehaved) {
                ban(c.address());
            }
            lock.notifyAll();
        }
    }

    @Override
    public void close() {
        closed = true;
        if (server != null) {
            try {
                server.close();
            } catch (IOException ignored) {
                // closing
            }
        }
        if (dialer != null) {
            dialer.interrupt();
        }
        for (PeerConnection c : connected) {
            c.close("shutting down", false);
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }
}
