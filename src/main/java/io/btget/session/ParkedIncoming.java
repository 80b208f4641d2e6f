package io.btget.session;

import io.btget.net.Transport;
import io.btget.peer.Handshake;
import io.btget.peer.IncomingHandler;
import io.btget.peer.PeerPool;

/**
 * A torrent's entry in the process listener from the moment the listen port is bound: an incoming peer that comes
 * while the session still checks its data (no picker yet) is held, on its own accept thread, until the pool
 * starts, then admitted as usual; when the session ends first, it is refused. Without it such a peer would be
 * refused as "unknown torrent" (the process listener accepts at once, where a per-torrent socket used to leave
 * it in the kernel's backlog until the check was over).
 *
 * <p>A held peer waits at most {@link #maxWaitMillis} (by default the handshake timeout,
 * {@link io.btget.peer.Limits#HANDSHAKE_TIMEOUT_MILLIS}: a peer that connects expects our handshake within about
 * that long anyway, and a check can take many minutes), then it is refused, so held peers cannot keep the
 * listener's pending slots ({@code Client}'s limit on incoming connections before routing) for a whole check.
 *
 * <p>Threads: accept threads wait in {@link #accept}; the session thread calls {@link #open} and {@link #close}.
 */
final class ParkedIncoming implements IncomingHandler {
    private final long maxWaitMillis;
    /** Guarded by {@code this}. */
    private PeerPool pool;
    /** Guarded by {@code this}. */
    private boolean closed;

    ParkedIncoming() {
        this(io.btget.peer.Limits.HANDSHAKE_TIMEOUT_MILLIS);
    }

    /** @param maxWaitMillis how long a peer is held before it is refused; more than 0 */
    ParkedIncoming(long maxWaitMillis) {
        if (maxWaitMillis <= 0) {
            throw new IllegalArgumentException("maxWaitMillis must be > 0: " + maxWaitMillis);
        }
        this.maxWaitMillis = maxWaitMillis;
    }

    /**
     * Admits the peer to the pool once it is open; false (refused) when the session ends first, when the pool is
     * not open within {@link #maxWaitMillis}, or when the waiting thread is interrupted.
     */
    @Override
    public boolean accept(Transport transport, Handshake.Start start) {
        PeerPool p;
        synchronized (this) {
            long deadline = System.nanoTime() + maxWaitMillis * 1_000_000L;
            while (pool == null && !closed) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    // wait(0) would wait forever: at least 1 ms
                    wait(Math.max(1, left / 1_000_000L));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            p = closed ? null : pool;
        }
        return p != null && p.accept(transport, start);
    }

    /** The pool is ready: held and later connections go to it. */
    synchronized void open(PeerPool ready) {
        pool = ready;
        notifyAll();
    }

    /** The session ends: held and later connections are refused. */
    synchronized void close() {
        closed = true;
        notifyAll();
    }
}
