package io.btget.tracker.server;

import io.btget.metainfo.InfoHash;
import io.btget.tracker.AnnounceEvent;
import io.btget.tracker.HttpAnnounceWriter.ListedPeer;
import io.btget.tracker.HttpAnnounceWriter.ScrapeEntry;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The built-in tracker's memory: one swarm per info hash, peers keyed by peer id. Peers that have not announced
 * for {@code expiry} are dropped. Every collection is bounded so that a flood of announces costs bounded memory.
 * One lock guards everything: announces are tiny and a local tracker serves a handful of peers.
 */
final class Swarms {
    static final int MAX_SWARMS = 10_000;
    static final int MAX_PEERS_PER_SWARM = 5_000;
    /** Most peers one reply carries, whatever {@code numwant} asks for. */
    static final int MAX_NUM_WANT = 200;
    static final int DEFAULT_NUM_WANT = 50;

    /** What a peer gets back. */
    record Reply(List<ListedPeer> peers, int seeders, int leechers) {
    }

    private record Peer(byte[] peerId, InetSocketAddress address, boolean seeder, long lastSeenNanos) {
    }

    private static final class Swarm {
        final Map<ByteBuffer, Peer> peers = new HashMap<>();
        int downloaded;
    }

    private final Map<InfoHash, Swarm> swarms = new HashMap<>();
    private final long expiryNanos;
    private final LongSupplier nanoClock;

    Swarms(Duration expiry, LongSupplier nanoClock) {
        this.expiryNanos = expiry.toNanos();
        this.nanoClock = nanoClock;
    }

    /**
     * Records the announce and returns up to {@code numWant} other peers (random order), or throws
     * {@link IllegalStateException} when the tracker is full.
     */
    synchronized Reply announce(InfoHash infoHash, byte[] peerId, InetSocketAddress address, long left,
                                AnnounceEvent event, int numWant) {
        long now = nanoClock.getAsLong();
        Swarm swarm = swarms.get(infoHash);
        if (swarm == null) {
            if (event == AnnounceEvent.STOPPED) {
                return new Reply(List.of(), 0, 0);
            }
            purgeEmpty(now);
            if (swarms.size() >= MAX_SWARMS) {
                throw new IllegalStateException("tracker is full (" + MAX_SWARMS + " torrents)");
            }
            swarm = new Swarm();
            swarms.put(infoHash, swarm);
        }
        expire(swarm, now);
        ByteBuffer key = ByteBuffer.wrap(peerId.clone());
        if (event == AnnounceEvent.STOPPED) {
            swarm.peers.remove(key);
        } else {
            if (!swarm.peers.containsKey(key) && swarm.peers.size() >= MAX_PEERS_PER_SWARM) {
                throw new IllegalStateException("swarm is full (" + MAX_PEERS_PER_SWARM + " peers)");
            }
            swarm.peers.put(key, new Peer(peerId.clone(), address, left == 0, now));
            if (event == AnnounceEvent.COMPLETED) {
                swarm.downloaded++;
            }
        }
        int want = numWant < 0 ? DEFAULT_NUM_WANT : Math.min(numWant, MAX_NUM_WANT);
        List<Peer> others = new ArrayList<>(swarm.peers.size());
        for (Map.Entry<ByteBuffer, Peer> e : swarm.peers.entrySet()) {
            if (!e.getKey().equals(key)) {
                others.add(e.getValue());
            }
        }
        Collections.shuffle(others);
        List<ListedPeer> chosen = new ArrayList<>(Math.min(want, others.size()));
        for (int i = 0; i < others.size() && chosen.size() < want; i++) {
            chosen.add(new ListedPeer(others.get(i).address(), others.get(i).peerId()));
        }
        int seeders = (int) swarm.peers.values().stream().filter(Peer::seeder).count();
        Reply reply = new Reply(chosen, seeders, swarm.peers.size() - seeders);
        if (swarm.peers.isEmpty()) {
            swarms.remove(infoHash);
        }
        return reply;
    }

    /** Scrape (BEP 48) of the given hashes, or of every swarm (at most {@code limit}) when none are given. */
    synchronized List<ScrapeEntry> scrape(List<InfoHash> hashes, int limit) {
        long now = nanoClock.getAsLong();
        List<ScrapeEntry> entries = new ArrayList<>();
        Iterable<InfoHash> which = hashes.isEmpty() ? new ArrayList<>(swarms.keySet()) : hashes;
        for (InfoHash h : which) {
            if (entries.size() >= limit) {
                break;
            }
            Swarm swarm = swarms.get(h);
            if (swarm == null) {
                entries.add(new ScrapeEntry(h.bytes(), 0, 0, 0));
                continue;
            }
            expire(swarm, now);
            int seeders = (int) swarm.peers.values().stream().filter(Peer::seeder).count();
            entries.add(new ScrapeEntry(h.bytes(), seeders, swarm.downloaded, swarm.peers.size() - seeders));
        }
        return entries;
    }

    private void expire(Swarm swarm, long now) {
        swarm.peers.values().removeIf(p -> now - p.lastSeenNanos() > expiryNanos);
    }

    private void purgeEmpty(long now) {
        for (Iterator<Swarm> it = swarms.values().iterator(); it.hasNext(); ) {
            Swarm s = it.next();
            expire(s, now);
            if (s.peers.isEmpty()) {
                it.remove();
            }
        }
    }
}
