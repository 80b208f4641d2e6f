package io.btget.peer.ext;

import io.btget.metainfo.InfoHash;
import io.btget.peer.ext.metadata.MetadataFetch;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Which {@link MetadataFetch} each peer feeds while a magnet's metadata is missing (BEP 9). At first one fetch
 * shared by every peer: pieces spread over them, the fastest way. When the assembled bytes fail the info hash and
 * more than one peer contributed, nobody can tell who lied (a hostile peer may answer our requests with noise of the
 * right length), so blaming them all would drop honest peers with it. Then the plan turns to isolation: each peer in
 * turn fetches the whole metadata into a fetch of its own; a failure there has one culprit, dropped, and another
 * peer gets the turn.
 *
 * <p>Turns: up to {@link #MAX_TURNS} peers fetch alone at once, so one slow or silent peer cannot hold the stage up
 * while honest peers wait; a turn passes when its fetch accepted no piece for {@link #TURN_IDLE_NANOS}. Memory stays
 * bounded: at most {@link #MAX_TURNS} metadata copies (each within the fetch's cap) besides the stale shared one.
 * A fetch that is neither the current shared fetch nor a current turn's is stale: a hash failure there blames
 * nobody (its contributors may be honest peers of the shared fetch the plan left).
 *
 * <p>Peers are opaque keys compared with {@code equals}; time is the caller's {@code System.nanoTime()}.
 * Thread-safe: connections' reader threads and the tick call in.
 */
public final class MetadataPlan {
    /** Peers remembered as having had a turn, or as guilty; past it a list starts over (a bound, not a policy). */
    static final int MAX_TRIED = 1024;
    /**
     * Peers fetching alone at once: a few, so one slow peer does not stall the others, and memory stays a few
     * metadata copies (each at most {@link MetadataFetch#MAX_METADATA_SIZE}).
     */
    public static final int MAX_TURNS = 3;
    /**
     * A turn whose fetch accepted no piece for this long passes to another peer: 30 s, three times the fetch's own
     * request time-out ({@link MetadataFetch#REQUEST_TIMEOUT_NANOS}), so an honest peer that lost one answer keeps
     * its turn.
     */
    public static final long TURN_IDLE_NANOS = 3 * MetadataFetch.REQUEST_TIMEOUT_NANOS;

    /** One peer fetching the metadata alone. */
    private static final class Turn {
        final MetadataFetch fetch;
        long lastProgress;

        Turn(MetadataFetch fetch, long now) {
            this.fetch = fetch;
            this.lastProgress = now;
        }
    }

    private final InfoHash infoHash;
    /** The shared fetch, or null once isolated. Guarded by {@code this}. */
    private MetadataFetch shared;
    /** peer -> its turn. Guarded by {@code this}. */
    private final Map<Object, Turn> turns = new LinkedHashMap<>();
    /** Peers whose turn passed (slow, silent, gone). Guarded by {@code this}. */
    private final Set<Object> tried = new LinkedHashSet<>();
    /** Peers whose copy, fetched alone, failed the hash: never asked again. Guarded by {@code this}. */
    private final Set<Object> guilty = new LinkedHashSet<>();

    public MetadataPlan(InfoHash infoHash) {
        this.infoHash = infoHash;
        this.shared = new MetadataFetch(infoHash);
    }

    /**
     * The fetch {@code peer} should feed now, or null when it is not to be asked now (no turn free, it had its turn
     * while others have not, or its own copy failed the hash). A peer whose turn passed without a verdict gets
     * another only while no turn runs (every peer at hand had one: better a slow peer again than nobody). Ask only for a peer that announced {@code ut_metadata} and a {@code metadata_size} (BEP 9): asking
     * gives the peer its turn, and a peer that cannot serve would waste it.
     */
    public synchronized MetadataFetch fetchFor(Object peer, long nowNanos) {
        if (shared != null) {
            return shared;
        }
        for (Iterator<Turn> it = turns.values().iterator(); it.hasNext(); ) {
            if (nowNanos - it.next().lastProgress >= TURN_IDLE_NANOS) {
                it.remove(); // too slow: the turn passes (the peer stays in tried)
            }
        }
        Turn turn = turns.get(peer);
        if (turn == null && turns.size() < MAX_TURNS && !guilty.contains(peer)
                && (!tried.contains(peer) || turns.isEmpty())) {
            remember(tried, peer);
            turn = new Turn(new MetadataFetch(infoHash), nowNanos);
            turns.put(peer, turn);
        }
        return turn == null ? null : turn.fetch;
    }

    /** {@code fetch} accepted a piece at {@code nowNanos}: if it is a turn's, the turn's idle clock restarts. */
    public synchronized void progressed(MetadataFetch fetch, long nowNanos) {
        for (Turn t : turns.values()) {
            if (t.fetch == fetch) {
                t.lastProgress = nowNanos;
            }
        }
    }

    /**
     * The fetch {@code failed} assembled bytes that failed the hash, from {@code culprits}.
     *
     * @return whether the culprits are to be dropped: only when they are certainly guilty (one peer alone, in the
     *         current shared fetch or a current turn); never for a stale fetch
     */
    public synchronized boolean hashFailed(MetadataFetch failed, Set<Object> culprits) {
        if (failed == shared) {
            if (culprits.size() > 1) {
                shared = null; // nobody can tell who lied: from now on each peer alone
                return false;
            }
            return true;
        }
        for (Iterator<Turn> it = turns.values().iterator(); it.hasNext(); ) {
            if (it.next().fetch == failed) {
                it.remove();
                for (Object c : culprits) {
                    remember(guilty, c);
                }
                return culprits.size() == 1;
            }
        }
        return false; // stale: the shared fetch the plan left; its contributors may be honest
    }

    /** {@code peer} is gone or of no use: if it had a turn, another peer's turn comes. */
    public synchronized void release(Object peer) {
        turns.remove(peer);
    }

    private static void remember(Set<Object> set, Object peer) {
        if (set.size() >= MAX_TRIED) {
            set.clear(); // a bound against leaks; connections are far fewer
        }
        set.add(peer);
    }

    /** Whether the plan has turned to each peer alone. */
    public synchronized boolean isolated() {
        return shared == null;
    }
}
