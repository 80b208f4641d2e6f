package io.btget.dht;

import io.btget.dht.krpc.NodeId;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The peers announced to us with {@code announce_peer} (BEP 5), by info hash, for answering {@code get_peers}.
 *
 * <p><b>One entry per announcer.</b> Entries are keyed by the announcer's <em>source</em>: its IP address for a
 * public address ({@link SecureNodeId#applies}), so a re-announce from the same IP with a new port (or a new UDP
 * source port with {@code implied_port}) replaces the old entry instead of adding one (libtorrent keeps one entry
 * per IP per info hash too); one IP cannot fill an info hash with 200 ports. Loopback and private addresses are
 * keyed by IP and port instead: tests run many peers on 127.0.0.1, and a LAN may run several clients behind one
 * private address (the DHT node's query rate limiter treats loopback the same way).
 *
 * <p><b>Per-source cap.</b> A source has entries in at most {@code maxInfoHashesPerSource} info hashes
 * ({@link #MAX_INFO_HASHES_PER_SOURCE} by default); announcing one more replaces its own least recently announced
 * entry, so one IP cannot push out the swarms of others by announcing thousands of info hashes.
 *
 * <p><b>Bounds and eviction.</b> At most {@code maxInfoHashes} info hashes, {@code maxPeersPerInfoHash} peers each
 * and {@code maxPeers} peers in all. Expired entries go first. Then: a new info hash in a full store evicts a
 * random info hash among those with the fewest peers (a flood of made-up info hashes holds one peer each, so it
 * only competes with other tiny swarms, never with a swarm many peers announced); a new peer in a full info hash
 * evicts a random peer of it; a new peer in a store full of peers evicts a random peer of a random largest swarm
 * (the swarm that loses least by losing one). Eviction never depends on how recently an entry was announced, so
 * announcing often buys nothing. An entry expires {@code ttlNanos} after its last announce (the node passes 30
 * minutes, as long as libtorrent keeps them: two 15-minute re-announce intervals). Expired entries are never
 * returned; they are dropped as they are met, and all at once by {@link #expire}.
 *
 * <p>Times are {@link System#nanoTime()} values passed in. Not thread-safe: the DHT node confines it to its
 * scheduler thread.
 */
public final class PeerStore {
    /**
     * Info hashes one source (a public IP) may have entries in. Generous for honest use: a node holds only the
     * info hashes it is among the 8 closest nodes to, so even a seedbox behind one IP with 10 000 torrents lands
     * in about one of them at a given node of a network of millions; a flood of made-up info hashes from one IP
     * is cut to this many entries.
     */
    public static final int MAX_INFO_HASHES_PER_SOURCE = 32;

    private final int maxInfoHashes;
    private final int maxPeersPerInfoHash;
    private final int maxPeers;
    private final long ttlNanos;
    private final int maxInfoHashesPerSource;
    private final Random random;
    /** In the order of each info hash's newest announce: the first was announced least recently (for expiry). */
    private final LinkedHashMap<NodeId, Swarm> swarms = new LinkedHashMap<>();
    /** Swarms by peer count: {@code bySize.get(n)} holds the swarms with n peers, each at its {@code slot}. */
    private final List<List<Swarm>> bySize = new ArrayList<>();
    /** Per source, the info hashes it has an entry in, least recently announced first. */
    private final Map<Object, LinkedHashSet<NodeId>> sources = new HashMap<>();
    private int peerCount;

    /** The peers of one info hash, by source, oldest announce first. */
    private static final class Swarm {
        final NodeId infoHash;
        final LinkedHashMap<Object, Announce> peers = new LinkedHashMap<>();
        long newest;
        /** Index in {@code bySize.get(peers.size())}. */
        int slot = -1;

        Swarm(NodeId infoHash) {
            this.infoHash = infoHash;
        }
    }

    private record Announce(InetSocketAddress peer, boolean seed, long at) {
    }

    /**
     * As {@link #PeerStore(int, int, int, long, int, Random)} with {@link #MAX_INFO_HASHES_PER_SOURCE} and an
     * unseeded random source for eviction.
     */
    public PeerStore(int maxInfoHashes, int maxPeersPerInfoHash, int maxPeers, long ttlNanos) {
        this(maxInfoHashes, maxPeersPerInfoHash, maxPeers, ttlNanos, MAX_INFO_HASHES_PER_SOURCE, new Random());
    }

    /**
     * @param maxInfoHashes          info hashes kept (at least 1)
     * @param maxPeersPerInfoHash    peers kept per info hash (at least 1)
     * @param maxPeers               peers kept in all (at least 1)
     * @param ttlNanos               how long an announce stays (positive)
     * @param maxInfoHashesPerSource info hashes one source may have entries in (at least 1)
     * @param random                 picks which entry an eviction drops
     * @throws IllegalArgumentException on a bound below 1
     */
    public PeerStore(int maxInfoHashes, int maxPeersPerInfoHash, int maxPeers, long ttlNanos,
            int maxInfoHashesPerSource, Random random) {
        if (maxInfoHashes < 1 || maxPeersPerInfoHash < 1 || maxPeers < 1 || ttlNanos < 1
                || maxInfoHashesPerSource < 1) {
            throw new IllegalArgumentException("peer store bounds must be positive");
        }
        this.maxInfoHashes = maxInfoHashes;
        this.maxPeersPerInfoHash = maxPeersPerInfoHash;
        this.maxPeers = maxPeers;
        this.ttlNanos = ttlNanos;
        this.maxInfoHashesPerSource = maxInfoHashesPerSource;
        this.random = random;
    }

    /**
     * The key entries of {@code peer} are stored under: its IP address when public, else IP and port (loopback,
     * private, link-local, CGNAT: see {@link SecureNodeId#applies}).
     */
    static Object sourceOf(InetSocketAddress peer) {
        InetAddress a = peer.getAddress();
        return a != null && SecureNodeId.applies(a) ? a : peer;
    }

    /**
     * Records that {@code peer} (the address to hand out: IP and TCP port) has {@code infoHash}, or refreshes it;
     * an entry of the same source (public IP) for this info hash is replaced. Evicts as the bounds demand.
     */
    public void announce(NodeId infoHash, InetSocketAddress peer, boolean seed, long nowNanos) {
        dropExpiredSwarms(nowNanos);
        Object source = sourceOf(peer);
        Swarm swarm = swarms.get(infoHash);
        if (swarm != null) {
            dropExpired(swarm, nowNanos);
        }
        boolean known = swarm != null && swarm.peers.containsKey(source);
        if (known) {
            removeEntry(swarm, source);
        } else {
            LinkedHashSet<NodeId> mine = sources.get(source);
            if (mine != null && mine.size() >= maxInfoHashesPerSource) {
                NodeId oldest = mine.iterator().next();
                removeEntry(swarms.get(oldest), source);
            }
            if (swarm != null && swarm.peers.size() >= maxPeersPerInfoHash) {
                removeEntry(swarm, randomKey(swarm));
            }
            if (peerCount >= maxPeers) {
                Swarm largest = randomOfSize(largestSize());
                removeEntry(largest, randomKey(largest));
            }
        }
        swarm = swarms.get(infoHash); // an eviction may have dropped it
        if (swarm == null) {
            if (swarms.size() >= maxInfoHashes) {
                expire(nowNanos);
            }
            if (swarms.size() >= maxInfoHashes) {
                Swarm smallest = randomOfSize(smallestSize());
                while (!smallest.peers.isEmpty()) {
                    removeEntry(smallest, smallest.peers.keySet().iterator().next());
                }
            }
            swarm = new Swarm(infoHash);
            swarms.put(infoHash, swarm);
            index(swarm);
        }
        unindex(swarm);
        swarm.peers.put(source, new Announce(peer, seed, nowNanos));
        index(swarm);
        peerCount++;
        sources.computeIfAbsent(source, k -> new LinkedHashSet<>()).add(infoHash);
        // Moved to the end, so that insertion order stays the order of the info hashes' newest announces.
        swarms.remove(infoHash);
        swarms.put(infoHash, swarm);
        swarm.newest = nowNanos;
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
            return List.of();
        }
        List<InetSocketAddress> all = new ArrayList<>(swarm.peers.size());
        for (Announce a : swarm.peers.values()) {
            all.add(a.peer());
        }
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
        for (Swarm swarm : List.copyOf(swarms.values())) {
            dropExpired(swarm, nowNanos);
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

    /** Sources (public IPs, or IP and port for others) with an entry (expired ones may linger). */
    public int sourceCount() {
        return sources.size();
    }

    private boolean live(long at, long nowNanos) {
        return nowNanos - at < ttlNanos;
    }

    /** Removes the least recently announced info hashes while even their newest announce has expired. */
    private void dropExpiredSwarms(long nowNanos) {
        while (!swarms.isEmpty()) {
            Swarm first = swarms.values().iterator().next();
            if (live(first.newest, nowNanos)) {
                return;
            }
            while (!first.peers.isEmpty()) {
                removeEntry(first, first.peers.keySet().iterator().next());
            }
        }
    }

    /** Drops the expired entries of {@code swarm} (and the swarm when none is left). */
    private void dropExpired(Swarm swarm, long nowNanos) {
        while (!swarm.peers.isEmpty()) {
            Map.Entry<Object, Announce> oldest = swarm.peers.entrySet().iterator().next();
            if (live(oldest.getValue().at(), nowNanos)) {
                return;
            }
            removeEntry(swarm, oldest.getKey());
        }
    }

    /** Removes the entry of {@code source} from {@code swarm}, and the swarm itself when it is left empty. */
    private void removeEntry(Swarm swarm, Object source) {
        if (swarm == null || !swarm.peers.containsKey(source)) {
            return;
        }
        unindex(swarm);
        swarm.peers.remove(source);
        peerCount--;
        LinkedHashSet<NodeId> mine = sources.get(source);
        if (mine != null) {
            mine.remove(swarm.infoHash);
            if (mine.isEmpty()) {
                sources.remove(source);
            }
        }
        if (swarm.peers.isEmpty()) {
            swarms.remove(swarm.infoHash);
        } else {
            index(swarm);
        }
    }

    private Object randomKey(Swarm swarm) {
        int skip = random.nextInt(swarm.peers.size());
        Iterator<Object> it = swarm.peers.keySet().iterator();
        for (int i = 0; i < skip; i++) {
            it.next();
        }
        return it.next();
    }

    private Swarm randomOfSize(int size) {
        List<Swarm> list = bySize.get(size);
        return list.get(random.nextInt(list.size()));
    }

    /** The fewest peers any stored swarm has (the store is not empty). */
    private int smallestSize() {
        for (int n = 1; n < bySize.size(); n++) {
            if (!bySize.get(n).isEmpty()) {
                return n;
            }
        }
        throw new IllegalStateException("no swarm");
    }

    /** The most peers any stored swarm has (the store is not empty). */
    private int largestSize() {
        for (int n = bySize.size() - 1; n > 0; n--) {
            if (!bySize.get(n).isEmpty()) {
                return n;
            }
        }
        throw new IllegalStateException("no swarm");
    }

    private void index(Swarm swarm) {
        int n = swarm.peers.size();
        while (bySize.size() <= n) {
            bySize.add(new ArrayList<>());
        }
        List<Swarm> list = bySize.get(n);
        swarm.slot = list.size();
        list.add(swarm);
    }

    private void unindex(Swarm swarm) {
        if (swarm.slot < 0) {
            return;
        }
        List<Swarm> list = bySize.get(swarm.peers.size());
        Swarm last = list.remove(list.size() - 1);
        if (last != swarm) {
            list.set(swarm.slot, last);
            last.slot = swarm.slot;
        }
        swarm.slot = -1;
    }
}
