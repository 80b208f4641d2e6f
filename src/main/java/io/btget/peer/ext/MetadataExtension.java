package io.btget.peer.ext;

import io.btget.peer.WireException;
import io.btget.peer.ext.metadata.MetadataFetch;
import io.btget.peer.ext.metadata.MetadataServer;
import io.btget.peer.ext.metadata.UtMetadataMessage;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * BEP 9 {@code ut_metadata} on the wire: serves our info dictionary to peers that ask (a {@link MetadataServer} per
 * connection: data when we have it, reject otherwise) and, while a magnet's metadata is missing, fetches it through
 * the fetches a {@link MetadataPlan} gives each peer. Requests wait in the server's bounded queue
 * ({@link MetadataServer#MAX_QUEUED}); the connection's writer pulls their answers one at a time as it has room
 * ({@link ExtensionPeer#sendLazily}), so serving runs at the link's speed while at most one 16 KiB answer per peer is
 * encoded and waiting. Advertises {@code metadata_size} only when we have the metadata.
 */
public final class MetadataExtension implements Extension {
    private static final Logger log = LoggerFactory.getLogger(MetadataExtension.class);
    public static final String NAME = "ut_metadata";

    /**
     * Metadata pieces one peer may have us send, as a multiple of the metadata's piece count (plus a few): a peer
     * that asks for the same metadata over and over is wasting our upload, and each answer is 16 KiB of outbox.
     * Only data counts: a reject (we have no metadata yet) costs a few bytes, and two magnet leechers asking each
     * other must not ban each other for it.
     */
    public static final int MAX_SERVED_ROUNDS = 4;
    /**
     * Requests per tick (about a second) that find the peer's queue full (each rejected at once) after which the
     * peer is dropped: as many as the queue holds. The writer empties the queue as fast as the peer reads, so a full
     * queue means the peer asks faster than it reads; a client asks a few pieces at a time (BEP 9), and one that
     * keeps more than {@link MetadataServer#MAX_QUEUED} unanswered and sends as many again in a second is flooding.
     */
    public static final int MAX_OVERFLOW_PER_TICK = MetadataServer.MAX_QUEUED;

    private final Supplier<Optional<byte[]>> infoBytes;
    private final MetadataPlan plan;
    private final Consumer<byte[]> onVerified;
    private final Runnable onPiece;

    /**
     * @param infoBytes  the raw info dictionary once we have it, empty before
     * @param plan       which fetch each peer feeds while the metadata is missing, or null when we have it
     * @param onVerified told, on a reader thread, with the verified info bytes when a fetch completes (possibly more
     *                   than once if two complete at once: the receiver keeps the first)
     */
    public MetadataExtension(Supplier<Optional<byte[]>> infoBytes, MetadataPlan plan, Consumer<byte[]> onVerified) {
        this(infoBytes, plan, onVerified, () -> { });
    }

    /**
     * As {@link #MetadataExtension(Supplier, MetadataPlan, Consumer)}, and {@code onPiece} is told, on a reader
     * thread, each time a fetch accepts a metadata piece (progress: the caller's stall clock restarts).
     */
    public MetadataExtension(Supplier<Optional<byte[]>> infoBytes, MetadataPlan plan, Consumer<byte[]> onVerified,
            Runnable onPiece) {
        this.infoBytes = infoBytes;
        this.plan = plan;
        this.onVerified = onVerified;
        this.onPiece = onPiece;
    }

    /** Serving only (we have the metadata). */
    public static MetadataExtension serving(byte[] infoBytes) {
        byte[] copy = infoBytes.clone();
        return new MetadataExtension(() -> Optional.of(copy), null, bytes -> { });
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void contribute(ExtendedHandshake.Builder ours) {
        infoBytes.get().ifPresent(b -> ours.metadataSize(b.length)); // BEP 9: only when we have it
    }

    @Override
    public Session open(ExtensionPeer peer) {
        return new PerPeer(peer);
    }

    private final class PerPeer implements Session {
        private final ExtensionPeer peer;
        /** Guarded by {@code this}. */
        private final MetadataServer server = new MetadataServer(infoBytes);
        /** Metadata data messages sent to this peer (rejects not counted). Guarded by {@code this}. */
        private int served;
        /**
         * Why the peer is to be dropped (it asked for too much data), set by the writer in {@link #nextAnswer}; the
         * drop happens on the next tick or message (never from the writer). Guarded by {@code this}.
         */
        private String dropReason;
        /** Requests since the last tick that found the queue full. Guarded by {@code this}. */
        private int overflowThisTick;
        /** The fetch this peer was announced to (and feeds), or null. Guarded by {@code this}. */
        private MetadataFetch fetch;
        /** Data messages that belonged to no fetch of this peer. Guarded by {@code this}. */
        private int strays;

        PerPeer(ExtensionPeer peer) {
            this.peer = peer;
        }

        @Override
        public void peerHandshake(ExtendedHandshake theirs) {
            if (plan != null) {
                requestMore(System.nanoTime());
            }
        }

        @Override
        public void onMessage(byte[] payload) throws WireException {
            String pending = pendingDrop();
            if (pending != null) {
                throw new WireException(pending);
            }
            UtMetadataMessage m = UtMetadataMessage.decode(payload);
            if (m instanceof UtMetadataMessage.Request r) {
                serve(r.piece());
            } else if (m instanceof UtMetadataMessage.Data d) {
                MetadataFetch f = current();
                if (f == null) {
                    if (plan != null && ++strays > MetadataFetch.MAX_UNSOLICITED) {
                        throw new WireException(strays + " metadata pieces we did not ask for");
                    }
                    return; // we have it, or this peer is not being asked: ignored
                }
                act(f, f.onData(peer, d.piece(), d.totalSize(), d.data()));
                requestMore(System.nanoTime());
            } else if (m instanceof UtMetadataMessage.Reject r) {
                MetadataFetch f = current();
                if (f != null) {
                    act(f, f.onReject(peer, r.piece(), System.nanoTime()));
                }
            }
            // Unknown msg_type: BEP 9 says ignore.
        }

        private synchronized String pendingDrop() {
            return dropReason;
        }

        private synchronized MetadataFetch current() {
            return fetch;
        }

        /**
         * Queues a request (BEP 9: every request gets data or a reject), rejecting it at once when the queue is full,
         * and has the writer pull the answers ({@link #nextAnswer}).
         *
         * @throws WireException the peer floods requests ({@link #MAX_OVERFLOW_PER_TICK}) or asked for too much
         */
        private void serve(int piece) throws WireException {
            synchronized (this) {
                Optional<UtMetadataMessage> full = server.onRequest(piece);
                if (full.isPresent()) {
                    if (++overflowThisTick > MAX_OVERFLOW_PER_TICK) {
                        server.clear();
                        throw new WireException(overflowThisTick + " metadata requests in a second beyond the "
                                + MetadataServer.MAX_QUEUED + " queued");
                    }
                    peer.send(NAME, full.get().encode()); // BEP 9: every request gets data or a reject
                    return; // the queue is full: the writer is already pulling it
                }
            }
            peer.sendLazily(NAME, this::nextAnswer);
        }

        /**
         * The next answer, encoded, for the writer ({@link ExtensionPeer#sendLazily}: its thread, no connection lock
         * held; does not block). Past {@link #MAX_SERVED_ROUNDS} times the metadata it clears the queue, remembers
         * why the peer is to be dropped and answers empty.
         *
         * @return the encoded ut_metadata message, or empty when none is owed (or the peer is to be dropped)
         */
        private synchronized Optional<byte[]> nextAnswer() {
            if (dropReason != null) {
                return Optional.empty();
            }
            Optional<UtMetadataMessage> a = server.poll();
            if (a.isEmpty()) {
                return Optional.empty();
            }
            if (a.get() instanceof UtMetadataMessage.Data d) {
                long pieces = (d.totalSize() + UtMetadataMessage.PIECE_SIZE - 1) / UtMetadataMessage.PIECE_SIZE;
                if (++served > MAX_SERVED_ROUNDS * pieces + MetadataServer.MAX_QUEUED) {
                    server.clear();
                    dropReason = "asked for " + served + " metadata pieces (metadata has " + pieces + ")";
                    return Optional.empty();
                }
            }
            return Optional.of(a.get().encode());
        }

        private void act(MetadataFetch f, MetadataFetch.Verdict v) {
            switch (v.kind()) {
                case ACCEPTED -> {
                    log.trace("{}: {}", peer.address(), v.reason());
                    plan.progressed(f, System.nanoTime());
                    onPiece.run();
                }
                case IGNORED -> log.trace("{}: {}", peer.address(), v.reason());
                case COMPLETE -> f.verifiedInfo().ifPresent(onVerified);
                case DROP_PEER -> drop(v.peersToDrop(), v.reason());
                case HASH_FAILED -> {
                    if (plan.hashFailed(f, v.peersToDrop())) {
                        drop(v.peersToDrop(), v.reason());
                    } else {
                        log.debug("{} (from {} peers): fetching it again from one peer at a time", v.reason(),
                                v.peersToDrop().size());
                    }
                }
            }
        }

        private void drop(java.util.Set<Object> peers, String reason) {
            log.debug("{}: {}", peer.address(), reason);
            for (Object p : peers) {
                if (p instanceof ExtensionPeer e) {
                    e.drop(reason);
                }
            }
        }

        /** Asks this peer for the metadata pieces its fetch gives it now (joining the plan's current fetch first). */
        private void requestMore(long now) {
            if (plan == null) {
                return;
            }
            ExtendedHandshake theirs = peer.peerHandshake().orElse(null);
            if (theirs == null || theirs.idOf(NAME) == 0 || theirs.metadataSize().isEmpty()) {
                return; // cannot serve metadata (yet): not given a turn before it says it can (BEP 9 metadata_size)
            }
            MetadataFetch f = plan.fetchFor(peer, now);
            java.util.List<Integer> pieces;
            synchronized (this) {
                if (f == null) {
                    fetch = null;
                    return;
                }
                if (f != fetch) {
                    strays = 0; // late answers to the requests of a turn that passed are not this fetch's strays
                    MetadataFetch.Verdict v = f.peerAnnounced(peer, theirs.metadataSize().getAsLong());
                    if (v.kind() != MetadataFetch.Verdict.Kind.ACCEPTED) {
                        log.debug("{}: not asking for metadata: {}", peer.address(), v.reason());
                    }
                    fetch = f;
                }
                if (plan.isolated() && f.isUseless(peer)) {
                    plan.release(peer); // silent, rejecting or lying alone: the next peer's turn
                    return;
                }
                pieces = f.piecesToRequest(peer, now);
            }
            for (int piece : pieces) {
                if (!peer.send(NAME, new UtMetadataMessage.Request(piece).encode())) {
                    f.peerGone(peer);
                    plan.release(peer);
                    return;
                }
            }
        }

        @Override
        public void tick(long nowNanos) {
            String error;
            synchronized (this) {
                overflowThisTick = 0;
                error = dropReason;
            }
            if (error != null) {
                peer.drop(error);
                return;
            }
            requestMore(nowNanos);
        }

        @Override
        public void closed() {
            MetadataFetch f;
            synchronized (this) {
                server.clear();
                f = fetch;
                fetch = null;
            }
            if (f != null) {
                f.peerGone(peer);
            }
            if (plan != null) {
                plan.release(peer);
            }
        }
    }
}
