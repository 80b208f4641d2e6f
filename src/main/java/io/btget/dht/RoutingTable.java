package io.btget.dht;

import io.btget.dht.krpc.NodeId;
import io.btget.dht.krpc.NodeInfo;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.function.Predicate;

/**
 * The BEP 5 routing table: the nodes we know, in buckets of {@link #K} over the 160-bit id space.
 *
 * <p><b>Buckets.</b> The table starts as one bucket covering the whole space. Only the bucket that covers our own
 * id is ever split, when it is full and a node for it arrives (BEP 5). So bucket {@code i} of {@code n} holds the
 * ids that share exactly {@code i} leading bits with ours, and the last bucket those that share at least
 * {@code n - 1}: we know the space near our id finely and the far space coarsely.
 *
 * <p><b>Node status</b> (BEP 5, as {@link Status}): <em>good</em> when it answered one of our queries within
 * {@link #GOOD_NANOS} (15 minutes), or has answered one ever and sent us a query within that time, and has not
 * missed a query since its last answer; <em>bad</em> after {@link #MAX_FAILURES} queries in a row without an
 * answer; <em>questionable</em> otherwise. Only nodes that answered a query of ours enter the table; a node that
 * only queries us may be behind a NAT that drops our packets.
 *
 * <p><b>A full bucket</b> takes a newcomer in place of a bad node. Else, when it holds questionable nodes,
 * {@link #heard} answers {@link PingFirst} naming the one seen least recently and keeps the newcomer in the
 * bucket's replacement cache (at most {@link #REPLACEMENTS_PER_BUCKET}); when that node then misses the ping
 * ({@link #failed}), the best cached candidate takes its place. A bucket of good nodes keeps them: BEP 5 prefers
 * nodes that have been around, and the newcomer only waits in the cache.
 *
 * <p><b>Hardening.</b> One node per public IP address (addresses where {@link SecureNodeId#applies}): a second
 * id from the same public IP is refused, so one host cannot fill a bucket. Loopback and private addresses are not
 * limited (tests and LANs run many nodes on one address). A node on a public address whose id fails BEP 42's
 * {@link SecureNodeId#verify} may only take free room (an empty slot or a bad node's), never wait in the cache;
 * a verified newcomer displaces a questionable unverified node at once (BEP 42 asks tables to prefer
 * verified ids). A known id heard from another address is refused and the old address kept, so a spoofed
 * packet cannot move a node. {@code maxNodes} bounds the nodes in the table; our own id is never added.
 *
 * <p>Times are {@link System#nanoTime()} values passed in by the caller. Not thread-safe: the DHT node confines
 * the table to its scheduler thread.
 */
public final class RoutingTable {
    /** BEP 5: nodes per bucket. */
    public static final int K = 8;
    /** BEP 5: a node stays good this long after its last answer (or query, once it has answered): 15 minutes. */
    public static final long GOOD_NANOS = 15L * 60 * 1_000_000_000L;
    /** BEP 5: a bucket unchanged this long is refreshed by a lookup of a random id inside it: 15 minutes. */
    public static final long REFRESH_NANOS = 15L * 60 * 1_000_000_000L;
    /** BEP 5 "fails to respond to multiple queries in a row": this many make a node bad. */
    public static final int MAX_FAILURES = 3;
    /**
     * Candidates kept per bucket for when a node goes bad: one bucket's worth, so a bucket can be refilled at
     * once, and the whole cache stays within 160 * 8 entries.
     */
    public static final int REPLACEMENTS_PER_BUCKET = K;

    /** BEP 5 status of a node in the table. */
    public enum Status {
        GOOD, QUESTIONABLE, BAD
    }

    /** What {@link #heard} did with a node. */
    public sealed interface Outcome permits Added, Updated, Rejected, PingFirst {
    }

    /** The node entered the table. */
    public record Added() implements Outcome {
    }

    /** The node was known (in the table or as a replacement candidate); its times were refreshed. */
    public record Updated() implements Outcome {
    }

    /** The node is not in the table, for the reason given. */
    public record Rejected(String why) implements Outcome {
    }

    /**
     * The bucket is full; ping {@code questionable}: if it fails ({@link #failed}), the candidate, kept in the
     * bucket's replacement cache, takes its place.
     */
    public record PingFirst(NodeInfo questionable) implements Outcome {
    }

    /**
     * A snapshot of one bucket.
     *
     * @param sharedBits   leading bits its ids share with our id: exactly this many, or at least this many for the
     *                     last bucket (the one covering our id)
     * @param last         whether this is the bucket covering our own id
     * @param nodes        its nodes (at most {@link #K})
     * @param replacements its replacement candidates (at most {@link #REPLACEMENTS_PER_BUCKET})
     */
    public record Bucket(int sharedBits, boolean last, List<NodeInfo> nodes, List<NodeInfo> replacements) {
        public Bucket {
            nodes = List.copyOf(nodes);
            replacements = List.copyOf(replacements);
        }
    }

    private static final Added ADDED = new Added();
    private static final Updated UPDATED = new Updated();

    private final NodeId ownId;
    private final int maxNodes;
    private final Random random;
    /** Bucket i < last: ids sharing exactly i leading bits with ownId; the last: at least last. Never empty. */
    private final List<Slots> buckets = new ArrayList<>();
    /** Every entry, in a bucket or in a replacement cache, by id. */
    private final Map<NodeId, Entry> byId = new HashMap<>();
    /** Every entry by UDP address. */
    private final Map<InetSocketAddress, Entry> byAddress = new HashMap<>();
    /** Entries at public addresses ({@link SecureNodeId#applies}) by IP: one each. */
    private final Map<InetAddress, Entry> byPublicIp = new HashMap<>();
    /** Entries in buckets (not counting replacement candidates). */
    private int size;

    /** A node we know, in a bucket ({@code live}) or in a replacement cache. */
    private static final class Entry {
        final NodeInfo info;
        /** BEP 42 id verified for its address (or the address is exempt). */
        final boolean verified;
        boolean live;
        long lastResponse;
        long lastQuery;
        int failures;

        Entry(NodeInfo info, boolean verified, long nowNanos) {
            this.info = info;
            this.verified = verified;
            this.lastResponse = nowNanos;
            this.lastQuery = nowNanos;
        }

        long lastSeen() {
            return lastQuery - lastResponse > 0 ? lastQuery : lastResponse;
        }
    }

    /** One bucket's state. */
    private static final class Slots {
        final List<Entry> live = new ArrayList<>(K);
        /** Oldest candidate first. */
        final List<Entry> replacements = new ArrayList<>(REPLACEMENTS_PER_BUCKET);
        boolean stamped;
        long lastChanged;

        void touch(long nowNanos) {
            stamped = true;
            lastChanged = nowNanos;
        }
    }

    /** A table for {@code ownId} holding at most {@code maxNodes} nodes, with its own source of random ids. */
    public RoutingTable(NodeId ownId, int maxNodes) {
        this(ownId, maxNodes, new Random());
    }

    /**
     * A table for {@code ownId} holding at most {@code maxNodes} nodes (at least 1); {@code random} draws the
     * refresh targets of {@link #refreshTargets}.
     */
    public RoutingTable(NodeId ownId, int maxNodes, Random random) {
        if (maxNodes < 1) {
            throw new IllegalArgumentException("maxNodes must be positive, not " + maxNodes);
        }
        this.ownId = ownId;
        this.maxNodes = maxNodes;
        this.random = random;
        buckets.add(new Slots());
    }

    public NodeId ownId() {
        return ownId;
    }

    /**
     * Records that we heard from {@code node}: {@code responded} is true when it answered one of our queries
     * (matched by transaction id and address), false when it sent us a query. See the class comment for the
     * rules; a query alone never adds a node.
     */
    public Outcome heard(NodeInfo node, boolean responded, long nowNanos) {
        NodeId id = node.id();
        if (id.equals(ownId)) {
            return new Rejected("our own id");
        }
        Entry known = byId.get(id);
        if (known != null) {
            return refresh(known, node, responded, nowNanos);
        }
        if (!responded) {
            return new Rejected("it has not answered a query of ours");
        }
        InetSocketAddress address = node.address();
        InetAddress ip = address.getAddress();
        if (ip == null || address.getPort() == 0) {
            return new Rejected("no usable address");
        }
        Entry sameAddress = byAddress.get(address);
        if (sameAddress != null) {
            if (status(sameAddress, nowNanos) == Status.GOOD) {
                return new Rejected("another good node at this address");
            }
            remove(sameAddress); // the node at this address changed its id (a restart, or BEP 42)
        }
        boolean restricted = SecureNodeId.applies(ip);
        if (restricted && byPublicIp.containsKey(ip)) {
            return new Rejected("another node at this IP address");
        }
        Entry fresh = new Entry(node, SecureNodeId.verify(id, ip), nowNanos);
        return insert(fresh, nowNanos);
    }

    /**
     * Records that {@code node} did not answer a query in time. A node in a bucket becomes bad after
     * {@link #MAX_FAILURES} in a row; a questionable one that misses a query while a candidate waits in its
     * bucket's cache (the {@link PingFirst} case) is replaced at once, as is a bad one. A candidate that misses
     * a query leaves the cache. Unknown nodes, or a known id at another address, are ignored.
     */
    public void failed(NodeInfo node, long nowNanos) {
        Entry e = byId.get(node.id());
        if (e == null || !e.info.address().equals(node.address())) {
            return;
        }
        Slots bucket = bucketFor(e.info.id());
        if (!e.live) {
            remove(e);
            return;
        }
        boolean wasGood = status(e, nowNanos) == Status.GOOD;
        e.failures++;
        if (bucket.replacements.isEmpty()) {
            return; // a bad node stays until a newcomer takes its slot
        }
        if (e.failures >= MAX_FAILURES || !wasGood) {
            remove(e);
            fillFromReplacements(bucket, nowNanos);
        }
    }

    /**
     * Up to {@code count} good or questionable nodes (never bad ones), closest to {@code target} by XOR
     * distance first.
     */
    public List<NodeInfo> closest(NodeId target, int count) {
        return closest(target, count, MAX_FAILURES);
    }

    /**
     * The {@code count} nodes nearest {@code target} that failed fewer than {@code failuresBelow} of our queries
     * in a row, nearest first. Replies to other nodes pass 1: a node that just missed a query is still kept
     * here, but is not handed out until it answers again (libtorrent leaves failed nodes out of its replies
     * too), so a dead node stops being named at its first timeout rather than its third.
     */
    public List<NodeInfo> closest(NodeId target, int count, int failuresBelow) {
        if (count < 1) {
            return List.of();
        }
        Comparator<NodeInfo> nearerFirst = (a, b) -> target.compareDistance(a.id(), b.id());
        // The count nearest seen so far, farthest on top: O(n log count), as find_node is asked for often.
        PriorityQueue<NodeInfo> nearest = new PriorityQueue<>(nearerFirst.reversed());
        for (Slots b : buckets) {
            for (Entry e : b.live) {
                if (e.failures >= Math.min(failuresBelow, MAX_FAILURES)) {
                    continue;
                }
                if (nearest.size() < count) {
                    nearest.add(e.info);
                } else if (nearerFirst.compare(e.info, nearest.peek()) < 0) {
                    nearest.poll();
                    nearest.add(e.info);
                }
            }
        }
        List<NodeInfo> result = new ArrayList<>(nearest);
        result.sort(nearerFirst);
        return List.copyOf(result);
    }

    /**
     * BEP 5 bucket refresh: for each bucket unchanged for {@link #REFRESH_NANOS} (or never changed), a random
     * id inside it to look up; the bucket counts as changed now. Bucket changes: a node added or replaced, or a
     * node in it answering a query.
     */
    public List<NodeId> refreshTargets(long nowNanos) {
        List<NodeId> targets = new ArrayList<>();
        for (int i = 0; i < buckets.size(); i++) {
            Slots b = buckets.get(i);
            if (!b.stamped || nowNanos - b.lastChanged >= REFRESH_NANOS) {
                targets.add(randomIdIn(i));
                b.touch(nowNanos);
            }
        }
        return targets;
    }

    /** Up to {@code max} questionable nodes to ping, seen least recently first. */
    public List<NodeInfo> questionable(long nowNanos, int max) {
        List<Entry> found = new ArrayList<>();
        for (Slots b : buckets) {
            for (Entry e : b.live) {
                if (status(e, nowNanos) == Status.QUESTIONABLE) {
                    found.add(e);
                }
            }
        }
        found.sort(Comparator.comparingLong(e -> e.lastSeen() - nowNanos));
        List<NodeInfo> result = new ArrayList<>();
        for (int i = 0; i < Math.min(max, found.size()); i++) {
            result.add(found.get(i).info);
        }
        return result;
    }

    /** The node with this id in the table (not a replacement candidate). */
    public Optional<NodeInfo> find(NodeId id) {
        Entry e = byId.get(id);
        return e != null && e.live ? Optional.of(e.info) : Optional.empty();
    }

    /** The status of the node with this id in the table; empty when it is not in the table. */
    public Optional<Status> status(NodeId id, long nowNanos) {
        Entry e = byId.get(id);
        return e != null && e.live ? Optional.of(status(e, nowNanos)) : Optional.empty();
    }

    /** Whether a good node in the table has this address (it has proved it receives what we send there). */
    public boolean isGoodAddress(InetSocketAddress address, long nowNanos) {
        Entry e = byAddress.get(address);
        return e != null && e.live && status(e, nowNanos) == Status.GOOD;
    }

    /** Every node in the table, bad ones awaiting replacement included, bucket by bucket. */
    public List<NodeInfo> nodes() {
        List<NodeInfo> all = new ArrayList<>(size);
        for (Slots b : buckets) {
            for (Entry e : b.live) {
                all.add(e.info);
            }
        }
        return all;
    }

    /** The good nodes in the table, bucket by bucket (what is worth saving for the next run). */
    public List<NodeInfo> goodNodes(long nowNanos) {
        List<NodeInfo> good = new ArrayList<>();
        for (Slots b : buckets) {
            for (Entry e : b.live) {
                if (status(e, nowNanos) == Status.GOOD) {
                    good.add(e.info);
                }
            }
        }
        return good;
    }

    /** Nodes in the table (not counting replacement candidates). */
    public int size() {
        return size;
    }

    /** Good nodes in the table. */
    public int goodCount(long nowNanos) {
        int n = 0;
        for (Slots b : buckets) {
            for (Entry e : b.live) {
                if (status(e, nowNanos) == Status.GOOD) {
                    n++;
                }
            }
        }
        return n;
    }

    public int bucketCount() {
        return buckets.size();
    }

    /** Index of the bucket that covers {@code id}. */
    public int bucketIndexOf(NodeId id) {
        return Math.min(ownId.commonPrefixLength(id), buckets.size() - 1);
    }

    /** Snapshots of the buckets, farthest from our id first. */
    public List<Bucket> buckets() {
        List<Bucket> views = new ArrayList<>(buckets.size());
        for (int i = 0; i < buckets.size(); i++) {
            Slots b = buckets.get(i);
            views.add(new Bucket(i, i == buckets.size() - 1, b.live.stream().map(e -> e.info).toList(),
                    b.replacements.stream().map(e -> e.info).toList()));
        }
        return views;
    }

    // ---- internals

    private Outcome refresh(Entry known, NodeInfo node, boolean responded, long nowNanos) {
        if (!known.info.address().equals(node.address())) {
            if (!responded || status(known, nowNanos) == Status.GOOD) {
                // a good entry keeps its address: nobody takes over a live node's id by sending from elsewhere
                return new Rejected("known id at another address");
            }
            // The id answered our query from a new address while its entry at the old one is failing or quiet: the
            // node restarted on another port (btget's DHT port follows its TCP port) and kept its saved id. Kept at
            // the old address it would be refused for good, and nothing could find the node (libtorrent, too,
            // replaces an entry whose node has failed).
            remove(known);
            return heard(node, true, nowNanos);
        }
        if (!responded) {
            known.lastQuery = nowNanos;
            return UPDATED;
        }
        known.lastResponse = nowNanos;
        known.failures = 0;
        Slots bucket = bucketFor(known.info.id());
        if (known.live) {
            bucket.touch(nowNanos);
            return UPDATED;
        }
        // A candidate that answers again takes free room if there is some.
        int bad = worstBad(bucket);
        if (bad >= 0 || (bucket.live.size() < K && size < maxNodes)) {
            bucket.replacements.remove(known);
            if (bad >= 0) {
                remove(bucket.live.get(bad));
            }
            addLive(bucket, known, nowNanos);
            return ADDED;
        }
        return UPDATED;
    }

    private Outcome insert(Entry fresh, long nowNanos) {
        NodeId id = fresh.info.id();
        Slots bucket;
        while (true) {
            bucket = bucketFor(id);
            if (bucket.live.size() < K) {
                if (size >= maxNodes) {
                    return new Rejected("routing table full");
                }
                index(fresh);
                addLive(bucket, fresh, nowNanos);
                return ADDED;
            }
            int bad = worstBad(bucket);
            if (bad >= 0) {
                remove(bucket.live.get(bad));
                index(fresh);
                addLive(bucket, fresh, nowNanos);
                return ADDED;
            }
            if (bucket == buckets.get(buckets.size() - 1) && buckets.size() < NodeId.BITS && size < maxNodes) {
                split(nowNanos);
                continue;
            }
            break;
        }
        if (!fresh.verified) {
            return new Rejected("BEP 42 id does not match its address and its bucket is full");
        }
        Entry unverified = leastRecentlySeen(bucket, e -> !e.verified
                && status(e, nowNanos) == Status.QUESTIONABLE);
        if (unverified != null) {
            remove(unverified);
            index(fresh);
            addLive(bucket, fresh, nowNanos);
            return ADDED;
        }
        Entry questionable = leastRecentlySeen(bucket, e -> status(e, nowNanos) == Status.QUESTIONABLE);
        cache(bucket, fresh);
        if (questionable != null) {
            return new PingFirst(questionable.info);
        }
        return new Rejected("bucket full of good nodes");
    }

    private void cache(Slots bucket, Entry candidate) {
        if (bucket.replacements.size() >= REPLACEMENTS_PER_BUCKET) {
            remove(bucket.replacements.get(0));
        }
        index(candidate);
        candidate.live = false;
        bucket.replacements.add(candidate);
    }

    private void index(Entry e) {
        byId.put(e.info.id(), e);
        byAddress.put(e.info.address(), e);
        InetAddress ip = e.info.address().getAddress();
        if (SecureNodeId.applies(ip)) {
            byPublicIp.put(ip, e);
        }
    }

    private void addLive(Slots bucket, Entry e, long nowNanos) {
        e.live = true;
        bucket.live.add(e);
        bucket.touch(nowNanos);
        size++;
    }

    /** Removes {@code e} from its bucket or cache and from every index. */
    private void remove(Entry e) {
        Slots bucket = bucketFor(e.info.id());
        if (e.live) {
            bucket.live.remove(e);
            size--;
        } else {
            bucket.replacements.remove(e);
        }
        byId.remove(e.info.id());
        byAddress.remove(e.info.address(), e);
        byPublicIp.remove(e.info.address().getAddress(), e);
    }

    /** Splits the last bucket (the one covering our id) in two. */
    private void split(long nowNanos) {
        int last = buckets.size() - 1;
        Slots old = buckets.get(last);
        Slots near = new Slots();
        old.live.removeIf(e -> {
            if (ownId.commonPrefixLength(e.info.id()) > last) {
                near.live.add(e);
                return true;
            }
            return false;
        });
        old.replacements.removeIf(e -> {
            if (ownId.commonPrefixLength(e.info.id()) > last) {
                near.replacements.add(e);
                return true;
            }
            return false;
        });
        buckets.add(near);
        old.touch(nowNanos);
        near.touch(nowNanos);
        fillFromReplacements(old, nowNanos);
        fillFromReplacements(near, nowNanos);
    }

    /** Moves the best candidates (most recently answered first) into free slots of {@code bucket}. */
    private void fillFromReplacements(Slots bucket, long nowNanos) {
        while (bucket.live.size() < K && size < maxNodes && !bucket.replacements.isEmpty()) {
            Entry best = bucket.replacements.get(0);
            for (Entry e : bucket.replacements) {
                if (e.lastResponse - best.lastResponse > 0) {
                    best = e;
                }
            }
            bucket.replacements.remove(best);
            addLive(bucket, best, nowNanos);
        }
    }

    /** Index in {@code bucket.live} of its bad node with the most failures, or -1. */
    private static int worstBad(Slots bucket) {
        int worst = -1;
        for (int i = 0; i < bucket.live.size(); i++) {
            Entry e = bucket.live.get(i);
            if (e.failures >= MAX_FAILURES && (worst < 0 || e.failures > bucket.live.get(worst).failures)) {
                worst = i;
            }
        }
        return worst;
    }

    private static Entry leastRecentlySeen(Slots bucket, Predicate<Entry> which) {
        Entry found = null;
        for (Entry e : bucket.live) {
            if (which.test(e) && (found == null || e.lastSeen() - found.lastSeen() < 0)) {
                found = e;
            }
        }
        return found;
    }

    private static Status status(Entry e, long nowNanos) {
        if (e.failures >= MAX_FAILURES) {
            return Status.BAD;
        }
        if (e.failures == 0
                && (nowNanos - e.lastResponse < GOOD_NANOS || nowNanos - e.lastQuery < GOOD_NANOS)) {
            return Status.GOOD;
        }
        return Status.QUESTIONABLE;
    }

    private Slots bucketFor(NodeId id) {
        return buckets.get(bucketIndexOf(id));
    }

    /** A uniformly random id covered by bucket {@code index}. */
    private NodeId randomIdIn(int index) {
        byte[] id = new byte[NodeId.LENGTH];
        random.nextBytes(id);
        byte[] own = ownId.bytes();
        int fixed = index == buckets.size() - 1 ? index : index + 1;
        for (int bit = 0; bit < fixed; bit++) {
            int mask = 0x80 >>> (bit & 7);
            boolean value = (own[bit >>> 3] & mask) != 0;
            if (bit == index) {
                value = !value; // bucket index < last: the first bit that differs from our id
            }
            id[bit >>> 3] = (byte) (value ? id[bit >>> 3] | mask : id[bit >>> 3] & ~mask);
        }
        return NodeId.of(id);
    }
}
