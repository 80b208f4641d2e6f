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
 * a shared {@link MetadataFetch}. Advertises {@code metadata_size} only when we have the metadata.
 */
public final class MetadataExtension implements Extension {
    private static final Logger log = LoggerFactory.getLogger(MetadataExtension.class);
    public static final String NAME = "ut_metadata";

    /**
     * Metadata pieces one peer may have us send, as a multiple of the metadata's piece count (plus a few): a peer
     * that asks for the same metadata over and over is wasting our upload, and each answer is 16 KiB of outbox.
     */
    public static final int MAX_SERVED_ROUNDS = 4;

    private final Supplier<Optional<byte[]>> infoBytes;
    private final MetadataPlan plan;
    private final Consumer<byte[]> onVerified;

    /**
     * @param infoBytes  the raw info dictionary once we have it, empty before
     * @param plan       which fetch each peer feeds while the metadata is missing, or null when we have it
     * @param onVerified told, on a reader thread, with the verified info bytes when a fetch completes (possibly more
     *                   than once if two complete at once: the receiver keeps the first)
     */
    public MetadataExtension(Supplier<Optional<byte[]>> infoBytes, MetadataPlan plan, Consumer<byte[]> onVerified) {
        this.infoBytes = infoBytes;
        this.plan = plan;
        this.onVerified = onVerified;
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
        /** Metadata pieces sent to this peer. Guarded by {@code this}. */
        private int served;
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

        private synchronized MetadataFetch current() {
            return fetch;
        }

        private void serve(int piece) throws WireException {
            synchronized (this) {
                Optional<byte[]> info = infoBytes.get();
                int pieces = info.map(b -> (b.length + UtMetadataMessage.PIECE_SIZE - 1) / UtMetadataMessage.PIECE_SIZE)
                        .orElse(0);
                if (++served > MAX_SERVED_ROUNDS * pieces + MetadataServer.MAX_QUEUED) {
                    throw new WireException("asked for " + served + " metadata pieces (metadata has " + pieces + ")");
                }
                Optional<UtMetadataMessage> now = server.onRequest(piece);
                now.ifPresent(r -> peer.send(NAME, r.encode()));
                for (Optional<UtMetadataMessage> a = server.poll(); a.isPresent(); a = server.poll()) {
                    peer.send(NAME, a.get().encode());
                }
            }
        }

        private void act(MetadataFetch f, MetadataFetch.Verdict v) {
            switch (v.kind()) {
                case ACCEPTED, IGNORED -> log.trace("{}: {}", peer.address(), v.reason());
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
            MetadataFetch f = plan.fetchFor(peer);
            java.util.List<Integer> pieces;
            synchronized (this) {
                if (f == null) {
                    fetch = null;
                    return;
                }
                if (f != fetch) {
                    ExtendedHandshake theirs = peer.peerHandshake().orElse(null);
                    if (theirs == null || theirs.idOf(NAME) == 0 || theirs.metadataSize().isEmpty()) {
                        plan.release(peer); // cannot serve metadata: its turn passes
                        return;
                    }
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
