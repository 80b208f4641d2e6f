package io.btget.session;

import io.btget.peer.PeerConnection;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Applies unchoke decisions to connections: every 10 s a full rechoke picks the best {@code maxUploads - 1}
 * interested peers (by what they give us while we leech, by what we give them while we seed) plus one optimistic
 * unchoke rotated every 30 s; between rechokes, a free slot goes to a newly interested peer at once so a fresh
 * leecher does not wait ten seconds for its first block.
 */
final class Choking {
    private final int maxUploads;
    private PeerConnection optimistic;
    private long optimisticSince;

    Choking(int maxUploads) {
        this.maxUploads = Math.max(1, maxUploads);
    }

    void rechoke(List<PeerConnection> peers, boolean seeding, boolean full) {
        if (full) {
            fullRechoke(peers, seeding);
        } else {
            fillFreeSlots(peers);
        }
    }

    private void fullRechoke(List<PeerConnection> peers, boolean seeding) {
        List<PeerConnection> interested = new ArrayList<>();
        for (PeerConnection c : peers) {
            if (c.peerInterested() && !c.isClosed()) {
                interested.add(c);
            }
        }
        Comparator<PeerConnection> byRate = seeding
                ? Comparator.comparingDouble(PeerConnection::uploadRate).reversed()
                : Comparator.comparingDouble(PeerConnection::downloadRate).reversed();
        interested.sort(byRate);
        List<PeerConnection> unchoke = new ArrayList<>(interested.subList(0, Math.min(maxUploads - 1, interested.size())));
        long now = System.nanoTime();
        if (optimistic == null || optimistic.isClosed() || !optimistic.peerInterested()
                || now - optimisticSince > 30_000_000_000L || unchoke.contains(optimistic)) {
            List<PeerConnection> rest = new ArrayList<>(interested);
            rest.removeAll(unchoke);
            optimistic = rest.isEmpty() ? null : rest.get(ThreadLocalRandom.current().nextInt(rest.size()));
            optimisticSince = now;
        }
        if (optimistic != null) {
            unchoke.add(optimistic);
        }
        for (PeerConnection c : peers) {
            if (unchoke.contains(c)) {
                c.unchoke();
            } else {
                c.choke();
            }
        }
    }

    private void fillFreeSlots(List<PeerConnection> peers) {
        int unchoked = 0;
        for (PeerConnection c : peers) {
            if (!c.amChoking()) {
                unchoked++;
            }
        }
        for (PeerConnection c : peers) {
            if (unchoked >= maxUploads) {
                return;
            }
            if (c.amChoking() && c.peerInterested() && !c.isClosed()) {
                c.unchoke();
                unchoked++;
            }
        }
    }
}
