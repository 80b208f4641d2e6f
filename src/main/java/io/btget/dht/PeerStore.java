package io.btget.dht;

import io.btget.dht.krpc.NodeId;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The peers announced to us with {@code announce_peer} (BEP 5), by info hash, for answering {@code get_peers}.
 *
 * <p>Every dimension is bounded, because anyone may announce anything: at most {@code maxInfoHashes} info
 * hashes (a new one evicts the info hash announced least recently), {@code maxPeersPerInfoHash} peers each (a
 * new peer evicts that info hash's oldest announce) and {@code maxPeers} peers in all (a new peer evicts the
 * oldest announce of the info hash announced least recently). An entry expires {@code ttlNanos} after its last
 * announce (the node passes 30 minutes, as long as libtorrent keeps them: two 15-minute re-announce intervals).
 * Expired entries are never returned; they are dropped as they are met, and all at once by {@link #expire}.
 *
 * <p>Times are {@link System#nanoTime()} values passed in. Not thread-safe: the DHT node confines it to its
 * scheduler thread.
 */
public final class PeerStore {
    private final int maxInfoHashes;
    private final int maxPeersPerInfoHash;
    private final int maxPeers;
    private final long ttlNanos;
    /** In the order of each info hash's newest announce: the first was announced least recently. */
    private final LinkedHashMap<NodeId, Swarm> swarms = new LinkedHashMap<>();
    private int peerCount;

    /** The peers of one info hash, oldest announce first. */
    private static final class Swarm {
        final LinkedHashMap<InetSocketAddress, Announce> peers = new LinkedHashMap<>();
        long newest;
    }

    private record Announce(boolean seed, long at) {
    }

    /**
     * @param maxInfoHashes       info hashes kept (at least 1)
     * @param maxPeersPerInfoHash peers kept per info hash (at least 1)
     * @param maxPeers            peers kept in all (at least 1)
     * @param ttlNanos            how long an announce stays (positive)
     * @throws IllegalArgumentException on a bound below 1
     */
    public PeerStore(int maxInfoHashes, int maxPeersPerInfoHash, int maxPeers, long ttlNanos) {
        if (maxInfoHashes < 1 || maxPeersPerInfoHash < 1 || maxPeers < 1 || ttlNanos < 1) {
            throw new IllegalArgumentException("peer store bounds must be positive");
        }
        this.maxInfoHashes = maxInfoHashes;
        this.maxPeersPerInfoHash = maxPeersPerInfoHash;
        this.maxPeers = maxPeers;
        this.ttlNanos = ttlNanos;
    }

    /**
     * Records that {@code peer} (the address to hand out: IP and TCP port) has {@code infoHash}, or refreshes it
     * (a re-announce moves it to the newest), evicting as the bounds demand.
     */
    public void announce(NodeId infoHash, InetSocketAddress peer, boolean seed, long nowNanos) {
        dropExpiredSwarms(nowNanos);
        // Removed and put back, so that insertion order stays the order of the info hashes' newest announces.
        Swarm swarm = swarms.remove(infoHash);
        if (swarm == null) {
            if (swarms.size() >= maxInfoHashes) {
                removeSwarm(swarms.keySet().iterator().next());
            }
            swarm = new Swarm();
        } else {
            dropExpired(swarm, nowNanos);
        }
        swarms.put(infoHash, swarm);
        Announce old = swarm.peers.remove(peer);
        if (old != null) {
            peerCount--;
        } else if (swarm.peers.size() >= maxPeersPerInfoHash) {
            removeOldest(swarm);
        }
        if (peerCount >= maxPeers) {
            // The info hash just announced to is now the last, so this takes from the stalest one (or from
            // itself when it is the only one).
            Map.Entry<NodeId, Swarm> stalest = swarms.entrySet().iterator().next();
            removeOldest(stalest.getValue());
            if (stalest.getValue().peers.isEmpty() && stalest.getValue() != swarm) {
                swarms.remove(stalest.getKey());
            }
        }
        swarm.peers.put(peer, new Announce(seed, nowNanos));
        swarm.newest = nowNanos;
        peerCount++;
    }

    /**
     * Up to {@code max} live peers announced for {@code infoHash}: all of them when there are no more than
     * {@code max}, else a uniform random sample drawn with {@code random}. Empty when none (or {@code max < 1}).
     */
    public List<InetSocketAddress> peers(NodeId infoHash, int max, Random random, long nowNanos) {
        Swarm swarm = swarms.get(infoHash);
        if (swarm == null || max < 1) {
            return List.of();
        }
        dropExpired(swarm, nowNanos);
        if (swarm.peers.isEmpty()) {
            swarms.remove(infoHash);
            return List.of();
        }
        List<InetSocketAddress> all = new ArrayList<>(swarm.peers.keySet());
        if (all.size() <= max) {
            return Collections.unmodifiableList(all);
        }
        // A partial Fisher-Yates shuffle: the first max slots end up a uniform sample.
        for (int i = 0; i < max; i++) {
            Collections.swap(all, i, i + random.nextInt(all.size() - i));
        }
        return List.copyOf(all.subList(0, max));
    }

    /** Live peers of {@code infoHash} that announced themselves as seeds (BEP 33 would report this count). */
    public int seedCount(NodeId infoHash, long nowNanos) {
        Swarm swarm = swarms.get(infoHash);
        if (swarm == null) {
            return 0;
        }
        int seeds = 0;
        for (Announce a : swarm.peers.values()) {
            if (a.seed() && live(a.at(), nowNanos)) {
                seeds++;
            }
        }
        return seeds;
    }

    /** Drops every expired announce and every info hash left without one. */
    public void expire(long nowNanos) {
        for (Iterator<Swarm> it = swarms.values().iterator(); it.hasNext();) {
            Swarm swarm = it.next();
            dropExpired(swarm, nowNanos);
            if (swarm.peers.isEmpty()) {
                it.remove();
            }
        }
    }

    /** Info hashes stored (expired ones may linger until met or {@link #expire}d). */
    public int infoHashCount() {
        return swarms.size();
    }

    /** Peers stored over all info hashes (expired ones may linger until met or {@link #expire}d). */
    public int peerCount() {
        return peerCount;
    }

    private boolean live(long at, long nowNanos) {
        return nowNanos - at < ttlNanos;
    }

    /** Removes the least recently announced info hashes while even their newest announce has expired. */
    private void dropExpiredSwarms(long nowNanos) {
        for (Iterator<Swarm> it = swarms.values().iterator(); it.hasNext();) {
            Swarm swarm = it.next();
            if (live(swarm.newest, nowNanos)) {
                return;
            }
            peerCount -= swarm.peers.size();
            it.remove();
        }
    }

    private void dropExpired(Swarm swarm, long nowNanos) {
        for (Iterator<Announce> it = swarm.peers.values().iterator(); it.hasNext();) {
            if (live(it.next().at(), nowNanos)) {
                return;
            }
            it.remove();
            peerCount--;
        }
    }

    private void removeOldest(Swarm swarm) {
        Iterator<Map.Entry<InetSocketAddress, Announce>> it = swarm.peers.entrySet().iterator();
        if (it.hasNext()) {
            it.next();
            it.remove();
            peerCount--;
        }
    }

    private void removeSwarm(NodeId infoHash) {
        Swarm gone = swarms.remove(infoHash);
        if (gone != null) {
            peerCount -= gone.peers.size();
        }
    }
}
