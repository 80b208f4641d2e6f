package io.btget.dht;

import static org.assertj.core.api.Assertions.assertThat;

import io.btget.dht.krpc.NodeId;
import io.btget.dht.krpc.NodeInfo;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class LookupTest {
    private static final long SECOND = 1_000_000_000L;

    /** A fake network: every node knows the {@code known} nodes closest to it and a few random ones. */
    private static final class Net {
        final List<NodeInfo> nodes = new ArrayList<>();
        final Map<NodeId, List<NodeInfo>> knows = new HashMap<>();
        final Set<NodeId> dead = new HashSet<>();
        final Random random;

        Net(int size, int known, long seed) {
            random = new Random(seed);
            for (int i = 0; i < size; i++) {
                nodes.add(new NodeInfo(NodeId.random(random), new InetSocketAddress("127.0.0.1", 10_000 + i)));
            }
            for (NodeInfo n : nodes) {
                // a Kademlia routing table: up to `known` nodes for each length of prefix shared with n
                Map<Integer, List<NodeInfo>> buckets = new HashMap<>();
                for (NodeInfo o : nodes) {
                    if (o != n) {
                        List<NodeInfo> b = buckets.computeIfAbsent(n.id().commonPrefixLength(o.id()),
                                x -> new ArrayList<>());
                        if (b.size() < known) {
                            b.add(o);
                        }
                    }
                }
                List<NodeInfo> k = new ArrayList<>();
                buckets.values().forEach(k::addAll);
                knows.put(n.id(), k);
            }
        }

        List<NodeInfo> sortedFrom(NodeId target) {
            List<NodeInfo> sorted = new ArrayList<>(nodes);
            sorted.sort(Comparator.comparing(NodeInfo::id, target::compareDistance));
            return sorted;
        }

        /** The K closest nodes a node would return for {@code target} from what it knows. */
        List<NodeInfo> answer(NodeId who, NodeId target) {
            List<NodeInfo> k = new ArrayList<>(knows.get(who));
            k.sort(Comparator.comparing(NodeInfo::id, target::compareDistance));
            return k.subList(0, Math.min(Lookup.K, k.size()));
        }
    }

    /** Drives a lookup to its end, answering queries in order; returns the number of rounds. */
    private static int run(Lookup lookup, Function<Lookup.Request, List<NodeInfo>> answer, Set<NodeId> dead,
            long[] clock) {
        int rounds = 0;
        while (!lookup.done(clock[0]) && rounds < 10_000) {
            List<Lookup.Request> batch = lookup.next(Integer.MAX_VALUE, clock[0]);
            List<Lookup.Request> pending = new ArrayList<>(batch);
            pending.addAll(lookup.inFlight());
            if (pending.isEmpty()) {
                break;
            }
            for (Lookup.Request r : new ArrayList<>(new HashSet<>(pending))) {
                if (r.id() != null && dead.contains(r.id())) {
                    lookup.failed(r);
                } else {
                    List<NodeInfo> nodes = answer.apply(r);
                    NodeId responder = r.id() == null ? nodes.get(0).id() : r.id();
                    lookup.responded(r, responder, nodes.subList(r.id() == null ? 1 : 0, nodes.size()), List.of(),
                            Optional.of(new byte[] {1, 2}));
                }
            }
            clock[0] += SECOND / 10;
            rounds++;
        }
        return rounds;
    }

    @Test
    void findsTheTrueKClosestInAFakeNetwork() {
        Net net = new Net(500, 8, 1);
        Random r = new Random(2);
        for (int trial = 0; trial < 20; trial++) {
            NodeId target = NodeId.random(r);
            NodeId own = NodeId.random(r);
            List<NodeInfo> seeds = List.of(net.nodes.get(r.nextInt(500)), net.nodes.get(r.nextInt(500)));
            long[] clock = {0};
            Lookup lookup = new Lookup(target, own, seeds, List.of(), clock[0]);
            run(lookup, req -> net.answer(req.id(), target), Set.of(), clock);
            assertThat(lookup.done(clock[0])).isTrue();
            assertThat(lookup.closest()).containsExactlyElementsOf(net.sortedFrom(target).subList(0, Lookup.K));
            assertThat(lookup.tokenHolders()).hasSize(Lookup.K);
            assertThat(lookup.queried()).isLessThan(100);
        }
    }

    @Test
    void deadNodesAreSkippedAndTheLiveClosestFound() {
        Net net = new Net(300, 10, 3);
        NodeId target = NodeId.random(new Random(4));
        List<NodeInfo> truth = net.sortedFrom(target);
        Set<NodeId> dead = new HashSet<>();
        dead.add(truth.get(0).id());
        dead.add(truth.get(3).id());
        long[] clock = {0};
        Lookup lookup = new Lookup(target, NodeId.random(new Random(5)), List.of(net.nodes.get(7)), List.of(), 0);
        run(lookup, req -> net.answer(req.id(), target), dead, clock);
        List<NodeInfo> live = truth.stream().filter(n -> !dead.contains(n.id())).limit(Lookup.K).toList();
        assertThat(lookup.closest()).containsExactlyElementsOf(live);
    }

    @Test
    void neverMoreThanAlphaInFlightAndClosestFirst() {
        Random r = new Random(6);
        NodeId target = NodeId.random(r);
        List<NodeInfo> seeds = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            seeds.add(new NodeInfo(NodeId.random(r), new InetSocketAddress("127.0.0.1", 2000 + i)));
        }
        Lookup lookup = new Lookup(target, NodeId.random(r), seeds, List.of(), 0);
        List<Lookup.Request> first = lookup.next(100, 0);
        assertThat(first).hasSize(DhtLimits.ALPHA);
        assertThat(lookup.next(100, 0)).isEmpty();
        seeds.sort(Comparator.comparing(NodeInfo::id, target::compareDistance));
        assertThat(first).extracting(Lookup.Request::id)
                .containsExactly(seeds.get(0).id(), seeds.get(1).id(), seeds.get(2).id());
        lookup.failed(first.get(0));
        assertThat(lookup.next(1, 0)).extracting(Lookup.Request::id).containsExactly(seeds.get(3).id());
        assertThat(lookup.next(1, 0)).isEmpty();
    }

    @Test
    void aQueryUnansweredPastTheShortTimeoutFreesItsSlotButTheTotalInFlightIsBounded() {
        Random r = new Random(11);
        NodeId target = NodeId.random(r);
        List<NodeInfo> seeds = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            seeds.add(new NodeInfo(NodeId.random(r), new InetSocketAddress("127.0.0.1", 3000 + i)));
        }
        Lookup lookup = new Lookup(target, NodeId.random(r), seeds, List.of(), 0);
        assertThat(lookup.next(100, 0)).hasSize(DhtLimits.ALPHA);
        long justBefore = DhtLimits.LOOKUP_SHORT_TIMEOUT_NANOS - 1;
        assertThat(lookup.next(100, justBefore)).isEmpty();
        // the three dead-or-slow nodes no longer hold the lookup: three more closest candidates are asked
        assertThat(lookup.next(100, DhtLimits.LOOKUP_SHORT_TIMEOUT_NANOS)).hasSize(DhtLimits.ALPHA);
        long t = DhtLimits.LOOKUP_SHORT_TIMEOUT_NANOS;
        for (int i = 0; i < 20; i++) {
            t += DhtLimits.LOOKUP_SHORT_TIMEOUT_NANOS;
            lookup.next(100, t);
        }
        assertThat(lookup.inFlight()).hasSize(DhtLimits.LOOKUP_MAX_IN_FLIGHT);
        // a slow query's late answer still counts
        Lookup.Request late = lookup.inFlight().get(0);
        lookup.responded(late, late.id(), List.of(), List.of(), Optional.empty());
        assertThat(lookup.inFlight()).hasSize(DhtLimits.LOOKUP_MAX_IN_FLIGHT - 1);
        assertThat(lookup.closest()).extracting(NodeInfo::id).contains(late.id());
    }

    @Test
    void aNodeAnsweringWithItselfAndThousandsOfNodesCannotStallIt() {
        Random r = new Random(7);
        NodeId target = NodeId.random(r);
        NodeInfo liar = new NodeInfo(NodeId.random(r), new InetSocketAddress("127.0.0.1", 9999));
        long[] clock = {0};
        Lookup lookup = new Lookup(target, NodeId.random(r), List.of(liar), List.of(), 0);
        int[] port = {20_000};
        run(lookup, req -> {
            List<NodeInfo> nodes = new ArrayList<>();
            nodes.add(liar);
            for (int i = 0; i < 2_000; i++) {
                nodes.add(new NodeInfo(NodeId.random(r), new InetSocketAddress("127.0.0.1", port[0]++ % 60_000 + 1)));
            }
            return nodes;
        }, Set.of(), clock);
        assertThat(lookup.done(clock[0])).isTrue();
        assertThat(lookup.queried()).isLessThanOrEqualTo(DhtLimits.LOOKUP_MAX_QUERIES);
    }

    @Test
    void endsAtTheTimeCapEvenWithQueriesInFlight() {
        Random r = new Random(8);
        NodeInfo slow = new NodeInfo(NodeId.random(r), new InetSocketAddress("127.0.0.1", 9998));
        Lookup lookup = new Lookup(NodeId.random(r), NodeId.random(r), List.of(slow), List.of(), 0);
        assertThat(lookup.next(10, 0)).hasSize(1);
        assertThat(lookup.done(DhtLimits.LOOKUP_MAX_NANOS - 1)).isFalse();
        assertThat(lookup.done(DhtLimits.LOOKUP_MAX_NANOS)).isTrue();
        assertThat(lookup.next(10, DhtLimits.LOOKUP_MAX_NANOS)).isEmpty();
    }

    @Test
    void routersAreQueriedFirstAndJoinAsTheNodeTheyName() {
        Random r = new Random(9);
        NodeId target = NodeId.random(r);
        InetSocketAddress router = new InetSocketAddress("127.0.0.1", 6881);
        NodeId routerId = NodeId.random(r);
        Lookup lookup = new Lookup(target, NodeId.random(r), List.of(), List.of(router), 0);
        List<Lookup.Request> first = lookup.next(10, 0);
        assertThat(first).containsExactly(new Lookup.Request(null, router));
        lookup.responded(first.get(0), routerId, List.of(), List.of(), Optional.empty());
        assertThat(lookup.done(0)).isTrue();
        assertThat(lookup.closest()).containsExactly(new NodeInfo(routerId, router));
    }

    @Test
    void valuesAreDistinctAndAReplyWithAnotherIdIsAFailure() {
        Random r = new Random(10);
        NodeInfo a = new NodeInfo(NodeId.random(r), new InetSocketAddress("127.0.0.1", 7001));
        NodeInfo b = new NodeInfo(NodeId.random(r), new InetSocketAddress("127.0.0.1", 7002));
        Lookup lookup = new Lookup(NodeId.random(r), NodeId.random(r), List.of(a, b), List.of(), 0);
        List<Lookup.Request> reqs = lookup.next(10, 0);
        InetSocketAddress p1 = new InetSocketAddress("127.0.0.1", 1);
        InetSocketAddress p2 = new InetSocketAddress("127.0.0.1", 2);
        Lookup.Request ra = reqs.stream().filter(q -> q.id().equals(a.id())).findFirst().orElseThrow();
        Lookup.Request rb = reqs.stream().filter(q -> q.id().equals(b.id())).findFirst().orElseThrow();
        assertThat(lookup.responded(ra, a.id(), List.of(), List.of(p1, p2), Optional.empty())).containsExactly(p1, p2);
        assertThat(lookup.responded(rb, NodeId.random(r), List.of(), List.of(p2), Optional.empty())).isEmpty();
        assertThat(lookup.responded(ra, a.id(), List.of(), List.of(p1), Optional.empty())).isEmpty();
        assertThat(lookup.values()).containsExactly(p1, p2);
        assertThat(lookup.closest()).containsExactly(a);
        assertThat(lookup.done(0)).isTrue();
    }

    /** An id next to {@code target}: equal but for the last byte. */
    private static NodeId nextTo(NodeId target, int i) {
        byte[] b = target.bytes();
        b[19] ^= (byte) i;
        return NodeId.of(b);
    }

    private static InetSocketAddress at(String ip, int port) {
        return new InetSocketAddress(ip, port);
    }

    @Test
    void oneHostAnsweringWithManyIdsAtItsPublicIpHoldsOneCandidate() {
        // reviewer's Sybil: one host names ids right next to the target, all at its own IP on other ports, and
        // answers for each of them with more such ids
        Random r = new Random(12);
        NodeId target = NodeId.random(r);
        String evilIp = "198.51.100.66";
        List<NodeInfo> seeds = new ArrayList<>();
        for (int i = 1; i <= 20; i++) {
            seeds.add(new NodeInfo(NodeId.random(r), at("203.0.113." + i, 6881)));
        }
        seeds.add(new NodeInfo(NodeId.random(r), at(evilIp, 6881)));
        long[] clock = {0};
        Lookup lookup = new Lookup(target, NodeId.random(r), seeds, List.of(), 0);
        int[] next = {1};
        run(lookup, req -> {
            if (!req.address().getAddress().getHostAddress().equals(evilIp)) {
                return List.of(); // honest nodes know nobody closer
            }
            List<NodeInfo> sybils = new ArrayList<>();
            for (int i = 0; i < 8 && next[0] < 250; i++, next[0]++) {
                sybils.add(new NodeInfo(nextTo(target, next[0]), at(evilIp, 7000 + next[0])));
            }
            return sybils;
        }, Set.of(), clock);
        assertThat(lookup.done(clock[0])).isTrue();
        assertThat(lookup.closest()).hasSize(Lookup.K);
        assertThat(lookup.closest()).filteredOn(n -> n.address().getAddress().getHostAddress().equals(evilIp))
                .hasSizeLessThanOrEqualTo(1);
    }

    @Test
    void aBep42IdDisplacesAnUnverifiedOneAtTheSamePublicIpNotYetAsked() throws Exception {
        Random r = new Random(13);
        NodeId target = NodeId.random(r);
        java.net.InetAddress ip = java.net.InetAddress.getByName("198.51.100.5");
        NodeInfo seed = new NodeInfo(NodeId.random(r), at("203.0.113.1", 6881));
        NodeInfo unverified = new NodeInfo(NodeId.random(r), new InetSocketAddress(ip, 1000));
        NodeInfo verified = new NodeInfo(SecureNodeId.generate(ip, r), new InetSocketAddress(ip, 2000));
        NodeInfo another = new NodeInfo(NodeId.random(r), new InetSocketAddress(ip, 3000));
        assertThat(SecureNodeId.verify(unverified.id(), ip)).isFalse();
        assertThat(SecureNodeId.verify(another.id(), ip)).isFalse();
        Lookup lookup = new Lookup(target, NodeId.random(r), List.of(seed), List.of(), 0);
        Lookup.Request first = lookup.next(10, 0).get(0);
        lookup.responded(first, seed.id(), List.of(unverified, verified, another), List.of(), Optional.empty());
        assertThat(lookup.next(10, 0)).extracting(Lookup.Request::id).containsExactly(verified.id());
    }

    @Test
    void loopbackAndPrivateAddressesAreNotRestrictedToOneCandidate() {
        Random r = new Random(14);
        NodeId target = NodeId.random(r);
        List<NodeInfo> seeds = List.of(new NodeInfo(NodeId.random(r), at("127.0.0.1", 1)),
                new NodeInfo(NodeId.random(r), at("127.0.0.1", 2)),
                new NodeInfo(NodeId.random(r), at("192.168.1.9", 1)),
                new NodeInfo(NodeId.random(r), at("192.168.1.9", 2)));
        Lookup lookup = new Lookup(target, NodeId.random(r), seeds, List.of(), 0);
        assertThat(lookup.next(10, 0)).hasSize(DhtLimits.ALPHA);
        assertThat(lookup.next(10, DhtLimits.LOOKUP_SHORT_TIMEOUT_NANOS)).hasSize(1);
    }

    @Test
    void oneReplyAddsAtMostKCandidatesCloserThanItsSender() {
        Random r = new Random(15);
        NodeId target = NodeId.random(r);
        NodeInfo sender = new NodeInfo(NodeId.random(r), at("203.0.113.1", 6881));
        List<NodeInfo> closer = new ArrayList<>();
        for (int i = 1; i <= 30; i++) {
            closer.add(new NodeInfo(nextTo(target, i), at("198.51.100." + i, 6881)));
        }
        Lookup lookup = new Lookup(target, NodeId.random(r), List.of(sender), List.of(), 0);
        Lookup.Request first = lookup.next(10, 0).get(0);
        lookup.responded(first, sender.id(), closer, List.of(), Optional.empty());
        Set<NodeId> asked = new HashSet<>();
        long t = 0;
        while (!lookup.done(t)) {
            for (Lookup.Request q : lookup.next(100, t)) {
                asked.add(q.id());
                lookup.failed(q);
            }
            t += SECOND;
        }
        assertThat(asked).hasSize(DhtLimits.LOOKUP_MAX_CLOSER_PER_REPLY);
    }
}
