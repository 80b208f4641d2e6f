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
 * <p>Threads: accept threads wait in {@link #accept}; the session thread calls {@link #open} and {@link #close}.
 */
final class ParkedIncoming implements IncomingHandler {
    /** Guarded by {@code this}. */
    private PeerPool pool;
    /** Guarded by {@code this}. */
    private boolean closed;

    @Override
    public boolean accept(Transport transport, Handshake.Start start) {
        PeerPool p;
        synchronized (this) {
            while (pool == null && !closed) {
                try {
                    wait();
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
