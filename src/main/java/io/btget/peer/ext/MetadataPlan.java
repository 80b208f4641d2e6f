package io.btget.peer.ext;

import io.btget.metainfo.InfoHash;
import io.btget.peer.ext.metadata.MetadataFetch;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Which {@link MetadataFetch} each peer feeds while a magnet's metadata is missing (BEP 9). At first one fetch
 * shared by every peer: pieces spread over them, the fastest way. When the assembled bytes fail the info hash and
 * more than one peer contributed, nobody can tell who lied (a hostile peer may answer our requests with noise of the
 * right length), so blaming them all would drop honest peers with it. Then the plan turns to isolation: one peer at
 * a time fetches the whole metadata into a fetch of its own; a failure there has one culprit, dropped, and the next
 * peer tries. One fetch at a time keeps memory what it was (one metadata's worth, within the fetch's cap).
 *
 * <p>Thread-safe: connections' reader threads and the tick call in.
 */
public final class MetadataPlan {
    /** Peers remembered as tried in isolation; past it the list starts over (a bound, not a policy). */
    static final int MAX_TRIED = 1024;

    private final InfoHash infoHash;
    /** The shared fetch, or null once isolated. Guarded by {@code this}. */
    private MetadataFetch shared;
    /** Guarded by {@code this}. */
    private Object isolatedPeer;
    /** Guarded by {@code this}. */
    private MetadataFetch isolatedFetch;
    /** Guarded by {@code this}. */
    private final Set<Object> tried = new LinkedHashSet<>();

    public MetadataPlan(InfoHash infoHash) {
        this.infoHash = infoHash;
        this.shared = new MetadataFetch(infoHash);
    }

    /** The fetch {@code peer} should feed now, or null when it is not to be asked now (another peer's turn). */
    public synchronized MetadataFetch fetchFor(Object peer) {
        if (shared != null) {
            return shared;
        }
        if (isolatedPeer == null && !tried.contains(peer)) {
            if (tried.size() >= MAX_TRIED) {
                tried.clear();
            }
            tried.add(peer);
            isolatedPeer = peer;
            isolatedFetch = new MetadataFetch(infoHash);
        }
        return peer.equals(isolatedPeer) ? isolatedFetch : null;
    }

    /**
     * The fetch {@code failed} assembled bytes that failed the hash, from {@code culprits}.
     *
     * @return whether the culprits are to be dropped: only when they are certainly guilty (one peer alone)
     */
    public synchronized boolean hashFailed(MetadataFetch failed, Set<Object> culprits) {
        if (failed == shared && culprits.size() > 1) {
            shared = null; // nobody can tell who lied: from now on one peer at a time
            return false;
        }
        if (failed == isolatedFetch) {
            isolatedPeer = null;
            isolatedFetch = null;
        }
        return true;
    }

    /** {@code peer} is gone or of no use: if it was the one fetching alone, the next peer's turn comes. */
    public synchronized void release(Object peer) {
        if (peer.equals(isolatedPeer)) {
            isolatedPeer = null;
            isolatedFetch = null;
        }
    }

    /** Whether the plan has turned to one peer at a time. */
    public synchronized boolean isolated() {
        return shared == null;
    }
}
