package io.btget.peer;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The peers of one torrent that we know of, connected or not (libtorrent's peer list): per address, where we
 * learnt it ({@link Source}), what we know of it ({@link #SEED}, {@link #CONNECTABLE}, ...), its dial history
 * (failures, back-off) and whether it is banned. The dialer asks it for {@link #candidates} and reports back.
 *
 * <p>Bounded ({@link Limits#MAX_KNOWN_PEERS}): when full, a new address replaces the entry that failed most (never
 * a banned, busy or manual one); if none qualifies, the new address is dropped. Every table the network feeds
 * has a bound, and tracker replies, PEX and incoming connections all feed this one.
 *
 * <p>Thread-safe: every method locks this object and calls nothing outside it.
 */
public final class KnownPeers {
    /** Where an address came from; an address may have several sources. */
    public enum Source {
        TRACKER, PEX, DHT, MAGNET, INCOMING, MANUAL
    }

    /** BEP 11 flag bits, kept as learnt: the peer prefers encryption. */
    public static final int ENCRYPTION = 0x01;
    /** The peer is a seed (upload only). */
    public static final int SEED = 0x02;
    /** The peer supports uTP. */
    public static final int UTP = 0x04;
    /** The peer accepts incoming connections at this address (its listen port). */
    public static final int CONNECTABLE = 0x10;

    /** What we remember of an address. Guarded by the enclosing {@code KnownPeers}. */
    private static final class Entry {
        final EnumSet<Source> sources = EnumSet.noneOf(Source.class);
        int flags;
        int failures;
        long nextAttemptNanos;
        boolean banned;
        boolean busy; // dialing or connected
    }

    /** A read-only view of an entry, for tests and PEX. */
    public record Info(InetSocketAddress address, Set<Source> sources, int flags, int failures, boolean banned,
            boolean busy) {
    }

    private final int capacity;
    private final Map<InetSocketAddress, Entry> entries = new LinkedHashMap<>();
    /**
     * Peer ids of peers dropped for misbehaving, the oldest forgotten beyond {@link #BANNED_IDS}. An address ban
     * alone does not keep such a peer away: it comes back from a new port (a peer that learnt our listen port dials
     * us again, each time from another ephemeral port). libtorrent and Transmission key a ban on the IP instead; btget
     * does not, because several peers behind one address (NAT, a test on 127.0.0.1) would go with it.
     */
    private final Set<PeerId> bannedIds = java.util.Collections.newSetFromMap(new LinkedHashMap<>() {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<PeerId, Boolean> eldest) {
            return size() > BANNED_IDS;
        }
    });
    /** Most banned peer ids remembered. */
    static final int BANNED_IDS = 1024;

    public KnownPeers() {
        this(Limits.MAX_KNOWN_PEERS);
    }

    /** @param capacity most addresses remembered (at least 1) */
    public KnownPeers(int capacity) {
        this.capacity = Math.max(1, capacity);
    }

    /**
     * Adds (or adds a source and flags to) {@code address}. Addresses that cannot be peers (port 0, unresolved,
     * wildcard, multicast) are ignored.
     *
     * @return whether the address is known now
     */
    public synchronized boolean add(InetSocketAddress address, Source source, int flags) {
        if (!dialable(address)) {
            return false;
        }
        Entry e = entries.get(address);
        if (e == null) {
            if (entries.size() >= capacity && !evictOne()) {
                return false;
            }
            e = new Entry();
            entries.put(address, e);
        }
        e.sources.add(source);
        e.flags |= flags;
        return true;
    }

    /** Whether {@code a} can be dialled at all (port 1..65535, a concrete unicast address). */
    public static boolean dialable(InetSocketAddress a) {
        return a != null && a.getPort() > 0 && a.getPort() <= 65535 && a.getAddress() != null
                && !a.getAddress().isAnyLocalAddress() && !a.getAddress().isMulticastAddress();
    }

    private boolean evictOne() {
        Optional<Map.Entry<InetSocketAddress, Entry>> worst = entries.entrySet().stream()
                .filter(x -> !x.getValue().banned && !x.getValue().busy && x.getValue().failures > 0
                        && !x.getValue().sources.contains(Source.MANUAL))
                .max(Comparator.comparingInt(x -> x.getValue().failures));
        worst.ifPresent(x -> entries.remove(x.getKey()));
        return worst.isPresent();
    }

    /**
     * Up to {@code room} addresses to dial now (not banned, not busy, back-off over), fewest failures first; each
     * is marked busy until {@link #dialFailed} or {@link #closed}.
     */
    public synchronized List<InetSocketAddress> candidates(int room, long nowNanos) {
        List<Map.Entry<InetSocketAddress, Entry>> c = new ArrayList<>();
        for (Map.Entry<InetSocketAddress, Entry> e : entries.entrySet()) {
            Entry k = e.getValue();
            if (!k.banned && !k.busy && k.nextAttemptNanos - nowNanos <= 0) {
                c.add(e);
            }
        }
        c.sort(Comparator.comparingInt(e -> e.getValue().failures));
        List<InetSocketAddress> out = new ArrayList<>();
        for (int i = 0; i < c.size() && out.size() < room; i++) {
            c.get(i).getValue().busy = true;
            out.add(c.get(i).getKey());
        }
        return out;
    }

    /**
     * A dial failed: back off (first {@link Limits#REDIAL_FIRST_SECONDS}, doubling up to
     * {@link Limits#REDIAL_MAX_SECONDS}); {@code ban} for a peer that will never do (another torrent, ourselves).
     */
    public synchronized void dialFailed(InetSocketAddress a, boolean ban, long nowNanos) {
        Entry k = entries.get(a);
        if (k == null) {
            return;
        }
        k.busy = false;
        k.failures++;
        k.banned |= ban;
        long backoffSeconds = Math.min(Limits.REDIAL_MAX_SECONDS,
                (long) Limits.REDIAL_FIRST_SECONDS << Math.min(6, k.failures - 1));
        k.nextAttemptNanos = nowNanos + backoffSeconds * 1_000_000_000L;
    }

    /** A connection to {@code a} is up (dialled or incoming): busy, failures forgotten. */
    public synchronized void connected(InetSocketAddress a) {
        Entry k = entries.get(a);
        if (k != null) {
            k.busy = true;
            k.failures = 0;
        }
    }

    /**
     * A connection ended: not busy; redial after {@code retrySeconds}; a {@code misbehaved} peer is banned (and
     * remembered as such even if it was not known, capacity allowing).
     */
    public synchronized void closed(InetSocketAddress a, boolean misbehaved, long retrySeconds, long nowNanos) {
        Entry k = entries.get(a);
        if (k == null && misbehaved && (entries.size() < capacity || evictOne())) {
            k = new Entry();
            k.sources.add(Source.INCOMING);
            entries.put(a, k);
        }
        if (k != null) {
            k.busy = false;
            k.banned |= misbehaved;
            k.nextAttemptNanos = nowNanos + retrySeconds * 1_000_000_000L;
        }
    }

    /** Bans {@code a}: never dialled again (remembered, capacity allowing). */
    public synchronized void ban(InetSocketAddress a) {
        Entry k = entries.get(a);
        if (k == null && (entries.size() < capacity || evictOne())) {
            k = new Entry();
            k.sources.add(Source.INCOMING);
            entries.put(a, k);
        }
        if (k != null) {
            k.banned = true;
        }
    }

    /** Bans the peer with this id, whatever address it comes from next. */
    public synchronized void banPeerId(PeerId id) {
        bannedIds.add(id);
    }

    public synchronized boolean isBannedPeerId(PeerId id) {
        return bannedIds.contains(id);
    }

    public synchronized boolean isBanned(InetSocketAddress a) {
        Entry k = entries.get(a);
        return k != null && k.banned;
    }

    /** Adds {@code flags} to a known address (e.g. {@link #SEED} once its bitfield says so). */
    public synchronized void addFlags(InetSocketAddress a, int flags) {
        Entry k = entries.get(a);
        if (k != null) {
            k.flags |= flags;
        }
    }

    public synchronized int size() {
        return entries.size();
    }

    public synchronized Optional<Info> get(InetSocketAddress a) {
        Entry k = entries.get(a);
        return k == null ? Optional.empty()
                : Optional.of(new Info(a, Set.copyOf(k.sources), k.flags, k.failures, k.banned, k.busy));
    }
}
