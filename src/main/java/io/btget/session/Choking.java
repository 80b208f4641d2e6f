package io.btget.session;

import io.btget.peer.Choker;
import io.btget.peer.PeerConnection;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Applies the {@link Choker}'s decisions to connections: a full rechoke every 10 s over what each peer moved in
 * the last period; between rechokes a peer that lost interest gives its upload slot back (it is choked, as
 * libtorrent does on NOT_INTERESTED), and a free slot goes to a newly interested peer at once, so a fresh leecher
 * does not wait ten seconds for its first block. Remembers when each peer was last unchoked and what we had sent
 * it then, for the seeding round robin. Session thread only (so the maps need no lock); each choke or unchoke is
 * guarded, so a failure ends that peer, not the session.
 */
final class Choking {
    /**
     * While seeding, what one round-robin turn gives a peer (besides one rechoke period) before another waiting
     * peer may take its slot: a few pieces of a typical size (4 x 256 KiB), small enough that in a short swarm
     * every leecher gets turns, large enough that a turn ends on whole pieces.
     */
    static final long SEED_QUOTA_BYTES = 1L << 20;

    private final int maxUploads;
    private final Choker<PeerConnection> choker;
    private final Map<PeerConnection, long[]> lastTotals = new IdentityHashMap<>();
    /** Per peer: {when we last unchoked it (ms), bytes uploaded to it by then}. */
    private final Map<PeerConnection, long[]> lastUnchoke = new IdentityHashMap<>();

    Choking(int maxUploads) {
        this.maxUploads = Math.max(1, maxUploads);
        this.choker = new Choker<>(this.maxUploads, SEED_QUOTA_BYTES, new Random());
    }

    void rechoke(List<PeerConnection> peers, boolean seeding, boolean full) {
        if (full) {
            fullRechoke(peers, seeding);
        } else {
            fillFreeSlots(peers);
        }
    }

    private void fullRechoke(List<PeerConnection> peers, boolean seeding) {
        List<Choker.Candidate<PeerConnection>> candidates = new ArrayList<>();
        Map<PeerConnection, long[]> totals = new IdentityHashMap<>();
        long nowMillis = nowMillis();
        for (PeerConnection c : peers) {
            if (c.isClosed()) {
                continue;
            }
            long down = c.downloadedTotal();
            long up = c.uploadedTotal();
            long[] last = lastTotals.getOrDefault(c, new long[2]);
            totals.put(c, new long[] {down, up});
            long[] unchokedAt = lastUnchoke.get(c);
            boolean unchoked = !c.amChoking();
            candidates.add(new Choker.Candidate<>(c, c.peerInterested(), down - last[0], up - last[1],
                    c.connectedAtNanos() / 1_000_000, c.snubbed(), unchoked,
                    unchoked && unchokedAt != null ? up - unchokedAt[1] : 0,
                    lastUnchokedMillis(c)));
        }
        lastTotals.clear();
        lastTotals.putAll(totals);
        lastUnchoke.keySet().retainAll(totals.keySet());
        Set<PeerConnection> unchoke = choker.rechoke(candidates, seeding, nowMillis);
        for (PeerConnection c : peers) {
            if (unchoke.contains(c)) {
                unchoke(c, nowMillis);
            } else {
                c.guard("choke", c::choke);
            }
        }
    }

    private void fillFreeSlots(List<PeerConnection> peers) {
        int unchoked = 0;
        for (PeerConnection c : peers) {
            if (!c.amChoking() && !c.isClosed()) {
                if (c.peerInterested()) {
                    unchoked++;
                } else {
                    c.guard("choke", c::choke); // it wants nothing from us: the slot is better used by another
                }
            }
        }
        if (unchoked >= maxUploads) {
            return;
        }
        // the free slots go to the peers that have waited longest since their last unchoke (never-unchoked first),
        // the same order the round robin uses at a full rechoke
        List<PeerConnection> waiting = new ArrayList<>();
        for (PeerConnection c : peers) {
            if (c.amChoking() && c.peerInterested() && !c.isClosed()) {
                waiting.add(c);
            }
        }
        waiting.sort(Comparator.comparingLong(this::lastUnchokedMillis));
        long nowMillis = nowMillis();
        for (PeerConnection c : waiting) {
            if (unchoked >= maxUploads) {
                return;
            }
            if (unchoke(c, nowMillis)) {
                unchoked++;
            }
        }
    }

    private long lastUnchokedMillis(PeerConnection c) {
        long[] at = lastUnchoke.get(c);
        return at == null ? Choker.NEVER : at[0];
    }

    /** Unchokes {@code c}, noting when and what we had sent it, unless it is unchoked already. */
    private boolean unchoke(PeerConnection c, long nowMillis) {
        if (!c.amChoking()) {
            return true;
        }
        lastUnchoke.put(c, new long[] {nowMillis, c.uploadedTotal()});
        return c.guard("unchoke", c::unchoke);
    }

    private static long nowMillis() {
        return System.nanoTime() / 1_000_000;
    }
}
