package io.btget.session;

import io.btget.peer.Choker;
import io.btget.peer.PeerConnection;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Applies the {@link Choker}'s decisions to connections: a full rechoke every 10 s over what each peer moved in
 * the last period; between rechokes a free upload slot goes to a newly interested peer at once, so a fresh leecher
 * does not wait ten seconds for its first block. Session thread only (so {@code lastTotals} needs no lock); each
 * choke or unchoke is guarded, so a failure ends that peer, not the session.
 */
final class Choking {
    private final int maxUploads;
    private final Choker<PeerConnection> choker;
    private final Map<PeerConnection, long[]> lastTotals = new IdentityHashMap<>();

    Choking(int maxUploads) {
        this.maxUploads = Math.max(1, maxUploads);
        this.choker = new Choker<>(this.maxUploads, new Random());
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
        long nowMillis = System.nanoTime() / 1_000_000;
        for (PeerConnection c : peers) {
            if (c.isClosed()) {
                continue;
            }
            long down = c.downloadedTotal();
            long up = c.uploadedTotal();
            long[] last = lastTotals.getOrDefault(c, new long[2]);
            totals.put(c, new long[] {down, up});
            candidates.add(new Choker.Candidate<>(c, c.peerInterested(), down - last[0], up - last[1],
                    c.connectedAtNanos() / 1_000_000, c.snubbed()));
        }
        lastTotals.clear();
        lastTotals.putAll(totals);
        Set<PeerConnection> unchoke = choker.rechoke(candidates, seeding, nowMillis);
        for (PeerConnection c : peers) {
            if (unchoke.contains(c)) {
                c.guard("unchoke", c::unchoke);
            } else {
                c.guard("choke", c::choke);
            }
        }
    }

    private void fillFreeSlots(List<PeerConnection> peers) {
        int unchoked = 0;
        for (PeerConnection c : peers) {
            if (!c.amChoking() && !c.isClosed()) {
                unchoked++;
            }
        }
        for (PeerConnection c : peers) {
            if (unchoked >= maxUploads) {
                return;
            }
            if (c.amChoking() && c.peerInterested() && !c.isClosed() && c.guard("unchoke", c::unchoke)) {
                unchoked++;
            }
        }
    }
}
