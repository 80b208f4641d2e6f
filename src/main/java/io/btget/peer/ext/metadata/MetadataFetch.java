package io.btget.peer.ext.metadata;

import io.btget.metainfo.InfoHash;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The state of fetching one torrent's info dictionary from several peers (BEP 9), with no sockets and no threads:
 * the connection layer feeds it what peers say and asks it what to request. Thread-safe (every method locks this
 * object); peers are opaque keys compared with {@code equals}; time is the caller's {@code System.nanoTime()}.
 *
 * <p>Rules, and what each hostile behaviour costs the peer:
 * <ul>
 *   <li>Size: a peer's {@code metadata_size} (BEP 10 extended handshake) outside {@code 1..}{@link #MAX_METADATA_SIZE}
 *       makes it unusable for the fetch. The fetch uses the size most usable peers announced (a tie keeps the
 *       current size, else the first announced); peers that announced another size are not asked unless the fetch switches to their size. Nothing
 *       is allocated from a size before this check: each received piece is kept in its own array of at most
 *       16 KiB, and the whole is assembled only when every piece is in, so memory is bounded by the checked size.</li>
 *   <li>Requests: 16 KiB pieces (BEP 9), at most {@link #MAX_IN_FLIGHT_PER_PEER} in flight per peer, spread over the
 *       peers by giving each the lowest pieces nobody else is asked for.</li>
 *   <li>Silence: a request unanswered after {@link #REQUEST_TIMEOUT_NANOS} goes back to the pool (another peer gets it)
 *       and the silent peer is not asked again for a back-off that doubles from {@link #BASE_BACKOFF_NANOS} up to
 *       {@link #MAX_BACKOFF_NANOS}; after {@link #MAX_STRIKES} strikes in a row it is never asked again
 *       ({@link #isUseless}).</li>
 *   <li>Reject (BEP 9 msg_type 2): the piece goes back to the pool, the peer backs off the same way; a peer that
 *       rejects {@link #MAX_REJECTS} times in all gets a {@link Verdict.Kind#DROP_PEER} verdict.</li>
 *   <li>Data: a {@code total_size} other than the size the peer announced, or the fetch's size, a piece out of range,
 *       or a piece of the wrong length is {@link Verdict.Kind#DROP_PEER}; data we did not ask that peer for is
 *       {@link Verdict.Kind#IGNORED} ({@link #MAX_UNSOLICITED} of them and the peer is dropped).</li>
 *   <li>Hash (BEP 9: "the SHA-1 of the assembled info dictionary must equal the info hash"): on a mismatch every
 *       piece is discarded, every peer that contributed one is reported in a {@link Verdict.Kind#HASH_FAILED}
 *       verdict (the caller drops them) and is never asked again here, and the fetch restarts with the others.</li>
 * </ul>
 */
public final class MetadataFetch {
    /**
     * The largest metadata (info dictionary) we fetch: 32 MiB. libtorrent's default cap is 30 MiB
     * ({@code max_metadata_size}); ours is a little above it so that anything libtorrent serves fits. An info
     * dictionary this large holds about 1.6 million piece hashes, far beyond any torrent seen in practice, and it
     * is well under the 64 MiB a .torrent file may have ({@code BencodeLimits.TORRENT_FILE}), so metadata that
     * fits here parses like a file would. It bounds the memory one fetch may take.
     */
    public static final long MAX_METADATA_SIZE = 32L << 20;
    /** Pieces asked of one peer at once. BEP 9 pieces are small; two keep the wire busy without hoarding. */
    public static final int MAX_IN_FLIGHT_PER_PEER = 2;
    /** A request unanswered this long is given to another peer: 10 s, as a piece is 16 KiB at most. */
    public static final long REQUEST_TIMEOUT_NANOS = 10_000_000_000L;
    /** First pause after a reject or a time-out; doubles with each strike in a row. */
    public static final long BASE_BACKOFF_NANOS = 5_000_000_000L;
    /** The longest pause: one minute, as libtorrent waits a minute before asking a peer that rejected again. */
    public static final long MAX_BACKOFF_NANOS = 60_000_000_000L;
    /** Rejects or time-outs in a row after which a silent peer is never asked again. */
    public static final int MAX_STRIKES = 6;
    /** Rejects in all (answered or not) after which the peer is dropped: a peer that only rejects wastes the wire. */
    public static final int MAX_REJECTS = 32;
    /** Pieces of data we never asked a peer for, after which it is dropped. */
    public static final int MAX_UNSOLICITED = 8;
    /** Peers remembered at once: the connection layer bounds connections far below this; a guard against leaks. */
    public static final int MAX_PEERS = 1024;

    /** What the caller should do after an event. {@code peersToDrop} is empty unless the kind says otherwise. */
    public record Verdict(Kind kind, String reason, Set<Object> peersToDrop) {
        public enum Kind {
            /** The message was used. */
            ACCEPTED,
            /** Nothing to do; {@code reason} says why the message or peer was set aside (log at debug). */
            IGNORED,
            /** The peer broke BEP 9 or a bound: drop its connection; {@code peersToDrop} holds it. */
            DROP_PEER,
            /** The last piece arrived and the hash matched: {@link #verifiedInfo()} is set. */
            COMPLETE,
            /** The assembled bytes failed the hash: drop every peer in {@code peersToDrop}; the fetch restarted. */
            HASH_FAILED
        }

        public Verdict {
            peersToDrop = Set.copyOf(peersToDrop);
        }

        static Verdict of(Kind kind, String reason) {
            return new Verdict(kind, reason, Set.of());
        }

        static Verdict drop(Object peer, String reason) {
            return new Verdict(Kind.DROP_PEER, reason, Set.of(peer));
        }
    }

    /** What we know of one peer. Guarded by the fetch's lock. */
    private static final class PeerState {
        long announcedSize;
        /** piece -> time the request was sent. */
        final Map<Integer, Long> inFlight = new LinkedHashMap<>();
        int strikes;
        int rejects;
        int unsolicited;
        long notBefore;
        boolean useless;
    }

    private final InfoHash infoHash;
    // All below guarded by this.
    private final Map<Object, PeerState> peers = new LinkedHashMap<>();
    private long size;
    private byte[][] pieces = new byte[0][];
    private Object[] contributors = new Object[0];
    private int received;
    private final Set<Integer> requested = new HashSet<>();
    private byte[] verified;

    /** A fetch of the info dictionary whose SHA-1 is {@code infoHash}. */
    public MetadataFetch(InfoHash infoHash) {
        this.infoHash = infoHash;
    }

    /**
     * A peer's extended handshake announced {@code metadataSize} bytes of metadata (BEP 9 {@code metadata_size}).
     * Call again when it re-sends its handshake.
     *
     * @return ACCEPTED when the peer can be asked; IGNORED with the reason when the size is 0, negative, over
     *         {@link #MAX_METADATA_SIZE}, or the fetch is done
     */
    public synchronized Verdict peerAnnounced(Object peer, long metadataSize) {
        if (verified != null) {
            return Verdict.of(Verdict.Kind.IGNORED, "metadata already complete");
        }
        if (metadataSize < 1 || metadataSize > MAX_METADATA_SIZE) {
            PeerState gone = peers.remove(peer);
            if (gone != null) {
                release(gone);
                chooseSize();
            }
            return Verdict.of(Verdict.Kind.IGNORED, "metadata_size " + metadataSize + " outside 1.."
                    + MAX_METADATA_SIZE + ": peer not asked for metadata");
        }
        PeerState state = peers.get(peer);
        if (state == null) {
            if (peers.size() >= MAX_PEERS) {
                return Verdict.of(Verdict.Kind.IGNORED, "already " + MAX_PEERS + " peers for metadata");
            }
            state = new PeerState();
            peers.put(peer, state);
        } else if (state.announcedSize != metadataSize) {
            release(state);
        }
        state.announcedSize = metadataSize;
        chooseSize();
        return Verdict.of(Verdict.Kind.ACCEPTED, "metadata_size " + metadataSize);
    }

    /** The peer's connection closed: its requests go back to the pool. */
    public synchronized void peerGone(Object peer) {
        PeerState state = peers.remove(peer);
        if (state != null) {
            release(state);
            chooseSize();
        }
    }

    /**
     * The metadata pieces to request from {@code peer} now (send one BEP 9 request each; they are recorded as in
     * flight at {@code nowNanos}). Also expires every peer's requests older than {@link #REQUEST_TIMEOUT_NANOS}.
     *
     * @return piece indexes, possibly empty (peer unknown, backing off, useless, at its limit, or nothing left)
     */
    public synchronized List<Integer> piecesToRequest(Object peer, long nowNanos) {
        expire(nowNanos);
        PeerState state = peers.get(peer);
        if (verified != null || state == null || state.useless || state.announcedSize != size
                || nowNanos - state.notBefore < 0) {
            return List.of();
        }
        List<Integer> out = new ArrayList<>();
        for (int piece = 0; piece < pieces.length && state.inFlight.size() < MAX_IN_FLIGHT_PER_PEER; piece++) {
            if (pieces[piece] == null && !requested.contains(piece)) {
                requested.add(piece);
                state.inFlight.put(piece, nowNanos);
                out.add(piece);
            }
        }
        return out;
    }

    /**
     * A BEP 9 data message from {@code peer}. The bytes are copied.
     *
     * @return ACCEPTED, COMPLETE or HASH_FAILED when used; IGNORED for data we did not ask this peer for;
     *         DROP_PEER for a lying {@code total_size}, an out-of-range piece or a wrong length
     */
    public synchronized Verdict onData(Object peer, int piece, long totalSize, byte[] data) {
        if (verified != null) {
            return Verdict.of(Verdict.Kind.IGNORED, "metadata already complete");
        }
        PeerState state = peers.get(peer);
        if (state == null) {
            return Verdict.drop(peer, "metadata piece " + piece + " from a peer that announced no metadata_size");
        }
        if (totalSize != state.announcedSize) {
            return Verdict.drop(peer, "metadata total_size " + totalSize + " differs from the metadata_size "
                    + state.announcedSize + " it announced");
        }
        int expected = UtMetadataMessage.pieceLength(piece, totalSize);
        if (expected < 0) {
            return Verdict.drop(peer, "metadata piece " + piece + " out of range for total_size " + totalSize);
        }
        if (data.length != expected) {
            return Verdict.drop(peer, "metadata piece " + piece + " has " + data.length + " bytes, expected "
                    + expected);
        }
        if (state.inFlight.remove(piece) == null) {
            if (++state.unsolicited >= MAX_UNSOLICITED) {
                return Verdict.drop(peer, state.unsolicited + " metadata pieces we did not ask for");
            }
            return Verdict.of(Verdict.Kind.IGNORED, "metadata piece " + piece + " we did not ask this peer for");
        }
        requested.remove(piece);
        state.strikes = 0;
        if (totalSize != size || pieces[piece] != null) {
            // Asked under another size (the fetch switched since) or already filled by a faster peer.
            return Verdict.of(Verdict.Kind.IGNORED, "metadata piece " + piece + " no longer needed");
        }
        pieces[piece] = data.clone();
        contributors[piece] = peer;
        received++;
        if (received < pieces.length) {
            return Verdict.of(Verdict.Kind.ACCEPTED, "metadata piece " + piece);
        }
        return assemble();
    }

    /**
     * A BEP 9 reject from {@code peer}: the piece goes to another peer, this one backs off.
     *
     * @return IGNORED normally; DROP_PEER after {@link #MAX_REJECTS} rejects from this peer
     */
    public synchronized Verdict onReject(Object peer, int piece, long nowNanos) {
        PeerState state = peers.get(peer);
        if (state == null) {
            return Verdict.of(Verdict.Kind.IGNORED, "metadata reject from a peer not asked");
        }
        if (++state.rejects >= MAX_REJECTS) {
            state.useless = true;
            release(state);
            chooseSize();
            return Verdict.drop(peer, state.rejects + " metadata rejects");
        }
        if (state.inFlight.remove(piece) != null) {
            requested.remove(piece);
            if (strike(state, nowNanos)) {
                chooseSize();
            }
        }
        return Verdict.of(Verdict.Kind.IGNORED, "metadata piece " + piece + " rejected");
    }

    /** Whether this fetch will never ask {@code peer} again (too many strikes, hash failure, bad size). */
    public synchronized boolean isUseless(Object peer) {
        PeerState state = peers.get(peer);
        return state == null || state.useless;
    }

    /** The metadata size being fetched, or 0 while no usable peer announced one. */
    public synchronized long metadataSize() {
        return size;
    }

    /** The verified info dictionary bytes (their SHA-1 is the info hash), once complete; a copy. */
    public synchronized Optional<byte[]> verifiedInfo() {
        return verified == null ? Optional.empty() : Optional.of(verified.clone());
    }

    public InfoHash infoHash() {
        return infoHash;
    }

    private Verdict assemble() {
        byte[] all = new byte[(int) size];
        for (int i = 0; i < pieces.length; i++) {
            System.arraycopy(pieces[i], 0, all, i * UtMetadataMessage.PIECE_SIZE, pieces[i].length);
        }
        if (Arrays.equals(sha1(all), infoHash.bytes())) {
            verified = all;
            pieces = new byte[0][];
            contributors = new Object[0];
            for (PeerState s : peers.values()) {
                s.inFlight.clear();
            }
            requested.clear();
            return Verdict.of(Verdict.Kind.COMPLETE, "metadata of " + size + " bytes matches the info hash");
        }
        Set<Object> culprits = new LinkedHashSet<>(Arrays.asList(contributors));
        for (Object p : culprits) {
            PeerState s = peers.get(p);
            if (s != null) {
                s.useless = true;
                release(s);
            }
        }
        long failedSize = size;
        size = 0;
        pieces = new byte[0][];
        contributors = new Object[0];
        received = 0;
        requested.clear();
        chooseSize();
        return new Verdict(Verdict.Kind.HASH_FAILED, "metadata of " + failedSize
                + " bytes does not match the info hash: pieces discarded", culprits);
    }

    /** Switches to the size most usable peers announced; a switch (or restart) empties the pieces. */
    private void chooseSize() {
        Map<Long, Integer> votes = new HashMap<>();
        long best = 0;
        int bestVotes = 0;
        for (PeerState s : peers.values()) {
            if (!s.useless) {
                int v = votes.merge(s.announcedSize, 1, Integer::sum);
                if (v > bestVotes) {
                    best = s.announcedSize;
                    bestVotes = v;
                }
            }
        }
        if (size != 0 && votes.getOrDefault(size, 0) == bestVotes) {
            best = size; // a tie keeps the current size and the pieces already received
        }
        if (best == size || best == 0 && received > 0) {
            return; // keep what we have while nobody usable is left
        }
        size = best;
        int count = best == 0 ? 0 : UtMetadataMessage.pieceCount(best);
        pieces = new byte[count][];
        contributors = new Object[count];
        received = 0;
        requested.clear();
        for (PeerState s : peers.values()) {
            s.inFlight.clear();
        }
    }

    private void expire(long nowNanos) {
        boolean gaveUp = false;
        for (PeerState s : peers.values()) {
            boolean timedOut = false;
            for (var it = s.inFlight.entrySet().iterator(); it.hasNext(); ) {
                var e = it.next();
                if (nowNanos - e.getValue() >= REQUEST_TIMEOUT_NANOS) {
                    it.remove();
                    requested.remove(e.getKey());
                    timedOut = true;
                }
            }
            if (timedOut) {
                gaveUp |= strike(s, nowNanos);
            }
        }
        if (gaveUp) {
            chooseSize(); // peers given up no longer vote for a size
        }
    }

    /** Backs {@code s} off after a reject or time-out; true when this strike made it useless. */
    private static boolean strike(PeerState s, long nowNanos) {
        s.strikes++;
        long backoff = BASE_BACKOFF_NANOS << Math.min(s.strikes - 1, 10);
        s.notBefore = nowNanos + Math.min(backoff, MAX_BACKOFF_NANOS);
        if (s.strikes >= MAX_STRIKES && !s.useless) {
            s.useless = true;
            return true;
        }
        return false;
    }

    private void release(PeerState state) {
        requested.removeAll(state.inFlight.keySet());
        state.inFlight.clear();
    }

    private static byte[] sha1(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-1").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is missing from this JDK", e);
        }
    }
}
