package io.btget.dht;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.btget.dht.RoutingTable.Added;
import io.btget.dht.RoutingTable.Bucket;
import io.btget.dht.RoutingTable.PingFirst;
import io.btget.dht.RoutingTable.Rejected;
import io.btget.dht.RoutingTable.Status;
import io.btget.dht.RoutingTable.Updated;
import io.btget.dht.krpc.NodeId;
import io.btget.dht.krpc.NodeInfo;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RoutingTableTest {
    private static final long MINUTE = 60_000_000_000L;
    /** Any start: nanoTime values may be negative. */
    private static final long T0 = -1_000 * MINUTE;

    private final Random random = new Random(20261130);
    private final NodeId ownId = NodeId.random(random);
    private int nextPort = 1024;

    // ---- admission

    @Test
    void ourOwnIdIsNeverAdded() {
        RoutingTable table = new RoutingTable(ownId, 100, random);
        assertThat(table.heard(local(ownId), true, T0)).isInstanceOf(Rejected.class);
        assertThat(table.size()).isZero();
    }

    @Test
    void aNodeThatOnlyQueriedUsIsNotAddedButOneThatAnsweredIs() {
        RoutingTable table = new RoutingTable(ownId, 100, random);
        NodeInfo node = local(NodeId.random(random));
        assertThat(table.heard(node, false, T0)).isInstanceOf(Rejected.class);
        assertThat(table.find(node.id())).isEmpty();
        assertThat(table.heard(node, true, T0)).isInstanceOf(Added.class);
        assertThat(table.find(node.id())).contains(node);
        assertThat(table.heard(node, false, T0 + 1)).isInstanceOf(Updated.class);
        assertThat(table.heard(node, true, T0 + 2)).isInstanceOf(Updated.class);
        assertThat(table.size()).isEqualTo(1);
    }

    /**
     * Field report: a node restarted on another port with its saved id was refused for good ("known id at another
     * address"), so the node that had it at the old address never learnt it again.
     */
    @Test
    void aKnownIdAnsweringFromANewAddressMovesThereOnlyWhenItsOldEntryIsFailing() {
        RoutingTable table = new RoutingTable(ownId, 100, random);
        NodeId id = NodeId.random(random);
        NodeInfo old = local(id);
        NodeInfo moved = new NodeInfo(id, new InetSocketAddress(InetAddress.getLoopbackAddress(), nextPort++));
        table.heard(old, true, T0);
        assertThat(table.heard(moved, true, T0 + 1)).as("a good entry keeps its address").isInstanceOf(Rejected.class);
        table.failed(old, T0 + 2);
        assertThat(table.heard(moved, false, T0 + 3)).as("a query from the new address proves nothing")
                .isInstanceOf(Rejected.class);
        assertThat(table.find(id)).contains(old);
        assertThat(table.heard(moved, true, T0 + 4)).as("an answer from it while the old one fails")
                .isNotInstanceOf(Rejected.class);
        assertThat(table.find(id)).contains(moved);
        assertThat(table.size()).isEqualTo(1);
    }

    @Test
    void aNodeThatMissedOneQueryIsKeptButLeftOutOfWhatWeHandOut() {
        RoutingTable table = new RoutingTable(ownId, 100, random);
        NodeInfo a = local(NodeId.random(random));
        NodeInfo b = local(NodeId.random(random));
        table.heard(a, true, T0);
        table.heard(b, true, T0);
        table.failed(a, T0 + 1);
        NodeId target = a.id();
        assertThat(table.closest(target, 8)).containsExactly(a, b);
        assertThat(table.closest(target, 8, 1)).containsExactly(b);
        table.heard(a, true, T0 + 2); // it answers again: handed out again
        assertThat(table.closest(target, 8, 1)).containsExactly(a, b);
    }

    @Test
    void aKnownIdAtAnotherAddressIsRefusedAndTheOldAddressKept() {
        RoutingTable table = new RoutingTable(ownId, 100, random);
        NodeInfo node = local(NodeId.random(random));
        table.heard(node, true, T0);
        NodeInfo spoofed = new NodeInfo(node.id(), new InetSocketAddress("127.0.0.2", 9999));
        assertThat(table.heard(spoofed, true, T0 + 1)).isInstanceOf(Rejected.class);
        assertThat(table.heard(spoofed, false, T0 + 1)).isInstanceOf(Rejected.class);
        table.failed(spoofed, T0 + 2); // a timeout at the other address is not the node's
        assertThat(table.find(node.id())).contains(node);
        assertThat(table.status(node.id(), T0 + 3)).contains(Status.GOOD);
    }

    @Test
    void anAddressThatChangesItsIdReplacesTheOldEntryOnlyOnceThatIsNoLongerGood() {
        RoutingTable table = new RoutingTable(ownId, 100, random);
        NodeInfo old = local(NodeId.random(random));
        table.heard(old, true, T0);
        NodeInfo renamed = new NodeInfo(NodeId.random(random), old.address());
        assertThat(table.heard(renamed, true, T0 + MINUTE)).isInstanceOf(Rejected.class);
        assertThat(table.heard(renamed, true, T0 + 16 * MINUTE)).isInstanceOf(Added.class);
        assertThat(table.find(old.id())).isEmpty();
        assertThat(table.nodes()).containsExactly(renamed);
    }

    @Test
    void refusesAnUnresolvedAddressOrPortZero() {
        RoutingTable table = new RoutingTable(ownId, 100, random);
        NodeInfo unresolved = new NodeInfo(NodeId.random(random), InetSocketAddress.createUnresolved("x", 1));
        NodeInfo portZero = new NodeInfo(NodeId.random(random), new InetSocketAddress("127.0.0.1", 0));
        assertThat(table.heard(unresolved, true, T0)).isInstanceOf(Rejected.class);
        assertThat(table.heard(portZero, true, T0)).isInstanceOf(Rejected.class);
        assertThatThrownBy(() -> new RoutingTable(ownId, 0, random)).isInstanceOf(IllegalArgumentException.class);
    }

    // ---- buckets

    @Test
    void onlyTheBucketCoveringOurIdSplits() {
        RoutingTable table = new RoutingTable(ownId, 100_000, random);
        for (int i = 0; i < 1000; i++) {
            table.heard(local(NodeId.random(random)), true, T0);
        }
        List<Bucket> buckets = table.buckets();
        assertThat(buckets).hasSize(table.bucketCount());
        assertThat(table.bucketCount()).isBetween(5, 20); // about log2(1000 / 8) + 1
        int total = 0;
        for (Bucket b : buckets) {
            assertThat(b.nodes()).hasSizeLessThanOrEqualTo(RoutingTable.K);
            assertThat(b.replacements()).hasSizeLessThanOrEqualTo(RoutingTable.REPLACEMENTS_PER_BUCKET);
            assertThat(b.last()).isEqualTo(b.sharedBits() == buckets.size() - 1);
            for (NodeInfo n : concat(b.nodes(), b.replacements())) {
                int shared = ownId.commonPrefixLength(n.id());
                if (b.last()) {
                    assertThat(shared).isGreaterThanOrEqualTo(b.sharedBits());
                } else {
                    assertThat(shared).isEqualTo(b.sharedBits());
                }
                assertThat(table.bucketIndexOf(n.id())).isEqualTo(b.sharedBits());
            }
            total += b.nodes().size();
        }
        assertThat(total).isEqualTo(table.size()).isEqualTo(table.nodes().size());
        // Half of 1000 random ids fall in the far half, a quarter in the next: those buckets are full.
        assertThat(buckets.get(0).nodes()).hasSize(RoutingTable.K);
        assertThat(buckets.get(1).nodes()).hasSize(RoutingTable.K);
        assertThat(buckets.get(0).replacements()).hasSize(RoutingTable.REPLACEMENTS_PER_BUCKET);
    }

    @Test
    void nodesFarFromOurIdDoNotSplitTheirBucket() {
        RoutingTable table = new RoutingTable(ownId, 100_000, random);
        for (int i = 0; i < 100; i++) {
            table.heard(local(idSharing(0)), true, T0);
        }
        // The first bucket split once, when it covered our id; the far half then never splits again.
        assertThat(table.bucketCount()).isEqualTo(2);
        assertThat(table.size()).isEqualTo(RoutingTable.K);
        assertThat(table.buckets().get(0).nodes()).hasSize(RoutingTable.K);
        assertThat(table.buckets().get(1).nodes()).isEmpty();
    }

    @Test
    void nodesNearOurIdKeepSplittingTheNearBucket() {
        RoutingTable table = new RoutingTable(ownId, 100_000, random);
        for (int shared = 0; shared < 40; shared++) {
            for (int i = 0; i < 3; i++) {
                assertThat(table.heard(local(idSharing(shared)), true, T0)).isInstanceOf(Added.class);
            }
        }
        assertThat(table.size()).isEqualTo(120);
        assertThat(table.bucketCount()).isBetween(38, 40);
        for (Bucket b : table.buckets().subList(0, 37)) {
            assertThat(b.nodes()).hasSize(3);
        }
    }

    @Test
    void closestIsTheBruteForceOrderOfTheTable() {
        RoutingTable table = new RoutingTable(ownId, 100_000, random);
        List<NodeInfo> inserted = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            NodeInfo n = local(NodeId.random(random));
            inserted.add(n);
            table.heard(n, true, T0);
        }
        // Some nodes go bad and are not offered (their buckets have no candidates left after a few failures).
        for (NodeInfo n : table.nodes().subList(0, Math.min(40, table.size()))) {
            for (int f = 0; f < RoutingTable.MAX_FAILURES; f++) {
                table.failed(n, T0 + 1);
            }
        }
        List<NodeInfo> offered = table.nodes().stream()
                .filter(n -> table.status(n.id(), T0 + 2).orElseThrow() != Status.BAD).toList();
        for (int t = 0; t < 200; t++) {
            NodeId target = t % 10 == 0 ? inserted.get(t).id() : NodeId.random(random);
            List<NodeInfo> brute = offered.stream()
                    .sorted(Comparator.comparing(NodeInfo::id, target::compareDistance)).limit(8).toList();
            assertThat(table.closest(target, 8)).containsExactlyElementsOf(brute);
        }
        assertThat(table.closest(ownId, 100_000)).containsExactlyInAnyOrderElementsOf(offered);
        assertThat(table.closest(ownId, 0)).isEmpty();
    }

    @Test
    void maxNodesBoundsTheTable() {
        RoutingTable table = new RoutingTable(ownId, 20, random);
        for (int i = 0; i < 1000; i++) {
            table.heard(local(NodeId.random(random)), true, T0 + i);
            assertThat(table.size()).isLessThanOrEqualTo(20);
        }
        assertThat(table.size()).isEqualTo(20);
        assertThat(table.nodes()).hasSize(20);
        int cached = table.buckets().stream().mapToInt(b -> b.replacements().size()).sum();
        assertThat(cached).isLessThanOrEqualTo(table.bucketCount() * RoutingTable.REPLACEMENTS_PER_BUCKET);
    }

    // ---- status over time

    @Test
    void goodQuestionableAndBadFollowBep5OverTime() {
        RoutingTable table = new RoutingTable(ownId, 100, random);
        NodeInfo node = local(NodeId.random(random));
        table.heard(node, true, T0);
        assertThat(table.status(node.id(), T0)).contains(Status.GOOD);
        assertThat(table.status(node.id(), T0 + 15 * MINUTE - 1)).contains(Status.GOOD);
        assertThat(table.goodCount(T0 + 15 * MINUTE - 1)).isEqualTo(1);
        assertThat(table.status(node.id(), T0 + 15 * MINUTE)).contains(Status.QUESTIONABLE);
        assertThat(table.goodCount(T0 + 15 * MINUTE)).isZero();
        assertThat(table.questionable(T0 + 15 * MINUTE, 10)).containsExactly(node);

        // It has answered before, so a query from it makes it good again (BEP 5).
        table.heard(node, false, T0 + 20 * MINUTE);
        assertThat(table.status(node.id(), T0 + 34 * MINUTE)).contains(Status.GOOD);
        assertThat(table.status(node.id(), T0 + 35 * MINUTE)).contains(Status.QUESTIONABLE);

        // A missed query makes it questionable at once; MAX_FAILURES in a row make it bad.
        table.heard(node, true, T0 + 40 * MINUTE);
        table.failed(node, T0 + 41 * MINUTE);
        assertThat(table.status(node.id(), T0 + 41 * MINUTE)).contains(Status.QUESTIONABLE);
        table.failed(node, T0 + 42 * MINUTE);
        assertThat(table.status(node.id(), T0 + 42 * MINUTE)).contains(Status.QUESTIONABLE);
        table.failed(node, T0 + 43 * MINUTE);
        assertThat(table.status(node.id(), T0 + 43 * MINUTE)).contains(Status.BAD);
        assertThat(table.closest(node.id(), 8)).isEmpty();
        assertThat(table.questionable(T0 + 43 * MINUTE, 10)).isEmpty();
        assertThat(table.size()).isEqualTo(1); // kept until a newcomer needs the slot

        // An answer resets the count.
        table.heard(node, true, T0 + 44 * MINUTE);
        assertThat(table.status(node.id(), T0 + 44 * MINUTE)).contains(Status.GOOD);
        assertThat(table.closest(node.id(), 8)).containsExactly(node);
    }

    @Test
    void aNodeThatNeverAnsweredAgainIsNotMadeGoodByQueries() {
        RoutingTable table = new RoutingTable(ownId, 100, random);
        NodeInfo node = local(NodeId.random(random));
        table.heard(node, true, T0);
        table.failed(node, T0 + MINUTE);
        table.heard(node, false, T0 + 2 * MINUTE); // queries do not clear a missed query
        assertThat(table.status(node.id(), T0 + 2 * MINUTE)).contains(Status.QUESTIONABLE);
    }

    @Test
    void questionableListsTheLeastRecentlySeenFirst() {
        RoutingTable table = new RoutingTable(ownId, 100, random);
        NodeInfo a = local(NodeId.random(random));
        NodeInfo b = local(NodeId.random(random));
        NodeInfo c = local(NodeId.random(random));
        table.heard(b, true, T0 + 2);
        table.heard(a, true, T0 + 1);
        table.heard(c, true, T0 + 20 * MINUTE);
        table.heard(a, false, T0 + 3); // seen last of the two
        assertThat(table.questionable(T0 + 16 * MINUTE, 10)).containsExactly(b, a);
        assertThat(table.questionable(T0 + 16 * MINUTE, 1)).containsExactly(b);
        assertThat(table.questionable(T0 + 16 * MINUTE, 0)).isEmpty();
    }

    // ---- full buckets

    @Test
    void aFullBucketAsksToPingItsStalestQuestionableNodeAndReplacesItWhenItFails() {
        RoutingTable table = new RoutingTable(ownId, 100, random);
        List<NodeInfo> far = fillFarBucket(table, T0);
        NodeInfo stalest = far.get(3);
        for (NodeInfo n : far) {
            if (n != stalest) {
                table.heard(n, false, T0 + MINUTE);
            }
        }
        NodeInfo candidate = local(idSharing(0));
        long now = T0 + 20 * MINUTE; // all questionable
        assertThat(table.heard(candidate, true, now)).isEqualTo(new PingFirst(stalest));
        assertThat(table.find(candidate.id())).isEmpty();
        assertThat(table.buckets().get(0).replacements()).containsExactly(candidate);

        table.failed(stalest, now + 1);
        assertThat(table.find(stalest.id())).isEmpty();
        assertThat(table.find(candidate.id())).contains(candidate);
        assertThat(table.status(candidate.id(), now + 1)).contains(Status.GOOD);
        assertThat(table.buckets().get(0).nodes()).hasSize(RoutingTable.K);
        assertThat(table.buckets().get(0).replacements()).isEmpty();
    }

    @Test
    void aQuestionableNodeThatAnswersTheFirstPingStaysAndTheCandidateWaits() {
        RoutingTable table = new RoutingTable(ownId, 100, random);
        List<NodeInfo> far = fillFarBucket(table, T0);
        NodeInfo candidate = local(idSharing(0));
        long now = T0 + 20 * MINUTE;
        PingFirst ping = (PingFirst) table.heard(candidate, true, now);
        table.heard(ping.questionable(), true, now + 1);
        assertThat(table.buckets().get(0).nodes()).containsExactlyInAnyOrderElementsOf(far);
        assertThat(table.find(candidate.id())).isEmpty();
        // The next questionable node is named for the next ping.
        assertThat(table.heard(local(idSharing(0)), true, now + 2)).isInstanceOf(PingFirst.class)
                .isNotEqualTo(ping);
    }

    @Test
    void aBucketOfGoodNodesKeepsThemAndABadOneMakesRoomForTheCandidate() {
        RoutingTable table = new RoutingTable(ownId, 100, random);
        List<NodeInfo> far = fillFarBucket(table, T0);
        NodeInfo candidate = local(idSharing(0));
        assertThat(table.heard(candidate, true, T0 + MINUTE)).isInstanceOf(Rejected.class);
        assertThat(table.find(candidate.id())).isEmpty();

        // A good node that misses one query is not replaced at once ...
        table.failed(far.get(0), T0 + 2 * MINUTE);
        assertThat(table.find(far.get(0).id())).isPresent();
        // ... but once it has missed MAX_FAILURES (or is questionable and misses one) the candidate takes it.
        table.failed(far.get(0), T0 + 3 * MINUTE);
        assertThat(table.find(far.get(0).id())).isEmpty();
        assertThat(table.find(candidate.id())).contains(candidate);
    }

    @Test
    void aBadNodeIsReplacedByTheNextNewcomer() {
        RoutingTable table = new RoutingTable(ownId, 100, random);
        List<NodeInfo> far = fillFarBucket(table, T0);
        for (int f = 0; f < RoutingTable.MAX_FAILURES; f++) {
            table.failed(far.get(5), T0 + MINUTE);
        }
        assertThat(table.find(far.get(5).id())).isPresent(); // no candidate was waiting
        NodeInfo newcomer = local(idSharing(0));
        assertThat(table.heard(newcomer, true, T0 + 2 * MINUTE)).isInstanceOf(Added.class);
        assertThat(table.find(far.get(5).id())).isEmpty();
        assertThat(table.buckets().get(0).nodes()).hasSize(RoutingTable.K).contains(newcomer);
    }

    @Test
    void aCandidateThatMissesAQueryLeavesTheCache() {
        RoutingTable table = new RoutingTable(ownId, 100, random);
        fillFarBucket(table, T0);
        NodeInfo candidate = local(idSharing(0));
        table.heard(candidate, true, T0 + 20 * MINUTE);
        table.failed(candidate, T0 + 21 * MINUTE);
        assertThat(table.buckets().get(0).replacements()).isEmpty();
    }

    @Test
    void theReplacementCacheIsBounded() {
        RoutingTable table = new RoutingTable(ownId, 100, random);
        fillFarBucket(table, T0);
        for (int i = 0; i < 100; i++) {
            table.heard(local(idSharing(0)), true, T0 + 20 * MINUTE + i);
        }
        assertThat(table.buckets().get(0).replacements()).hasSize(RoutingTable.REPLACEMENTS_PER_BUCKET);
    }

    // ---- public addresses: one node per IP, BEP 42

    @Test
    void oneNodePerPublicIpButManyPerLoopbackIp() throws Exception {
        RoutingTable table = new RoutingTable(ownId, 100, random);
        InetAddress publicIp = InetAddress.getByName("45.67.89.10");
        NodeInfo first = new NodeInfo(SecureNodeId.generate(publicIp, random), new InetSocketAddress(publicIp, 6881));
        NodeInfo second = new NodeInfo(SecureNodeId.generate(publicIp, random), new InetSocketAddress(publicIp, 6882));
        assertThat(table.heard(first, true, T0)).isInstanceOf(Added.class);
        assertThat(table.heard(second, true, T0)).isInstanceOf(Rejected.class);
        assertThat(table.find(second.id())).isEmpty();

        for (int i = 0; i < 5; i++) {
            assertThat(table.heard(local(NodeId.random(random)), true, T0)).isInstanceOf(Added.class);
        }
        InetAddress privateIp = InetAddress.getByName("192.168.1.20");
        assertThat(table.heard(new NodeInfo(NodeId.random(random), new InetSocketAddress(privateIp, 1)), true, T0))
                .isInstanceOf(Added.class);
        assertThat(table.heard(new NodeInfo(NodeId.random(random), new InetSocketAddress(privateIp, 2)), true, T0))
                .isInstanceOf(Added.class);
        assertThat(table.size()).isEqualTo(8);
    }

    @Test
    void aVerifiedNodeDisplacesAQuestionableUnverifiedOne() throws Exception {
        NodeId own = idWithFirstBit(NodeId.random(random), true);
        RoutingTable table = new RoutingTable(own, 100, random);
        List<NodeInfo> unverified = new ArrayList<>();
        for (int i = 0; i < RoutingTable.K; i++) {
            InetAddress ip = InetAddress.getByName("45.0.0." + (i + 1));
            NodeInfo n = new NodeInfo(idWithFirstBit(NodeId.random(random), false), new InetSocketAddress(ip, 6881));
            assertThat(SecureNodeId.verify(n.id(), ip)).isFalse();
            assertThat(table.heard(n, true, T0 + i)).as("free room takes an unverified id").isInstanceOf(Added.class);
            unverified.add(n);
        }
        long now = T0 + 20 * MINUTE;
        // An unverified newcomer does not get in, nor wait in the cache.
        NodeInfo another = new NodeInfo(idWithFirstBit(NodeId.random(random), false),
                new InetSocketAddress(InetAddress.getByName("45.0.1.1"), 6881));
        assertThat(table.heard(another, true, now)).isInstanceOf(Rejected.class);
        assertThat(table.buckets().get(0).replacements()).isEmpty();

        NodeInfo verified = verifiedFarNode("46.0.0.");
        assertThat(table.heard(verified, true, now)).isInstanceOf(Added.class);
        assertThat(table.find(verified.id())).contains(verified);
        assertThat(table.find(unverified.get(0).id())).as("the least recently seen goes").isEmpty();
        assertThat(table.size()).isEqualTo(RoutingTable.K);
    }

    @Test
    void aVerifiedNodeDoesNotDisplaceAGoodUnverifiedOne() throws Exception {
        NodeId own = idWithFirstBit(NodeId.random(random), true);
        RoutingTable table = new RoutingTable(own, 100, random);
        for (int i = 0; i < RoutingTable.K; i++) {
            InetAddress ip = InetAddress.getByName("45.0.0." + (i + 1));
            table.heard(new NodeInfo(idWithFirstBit(NodeId.random(random), false), new InetSocketAddress(ip, 6881)),
                    true, T0);
        }
        NodeInfo verified = verifiedFarNode("46.0.0.");
        assertThat(table.heard(verified, true, T0 + MINUTE)).isInstanceOf(Rejected.class);
        assertThat(table.find(verified.id())).isEmpty();
    }

    // ---- hostile input

    @Test
    void aFloodOfUnverifiedPublicNodesStaysBoundedAndWaitsNowhere() throws Exception {
        RoutingTable table = new RoutingTable(ownId, 500, random);
        for (int i = 0; i < 20_000; i++) {
            byte[] ip = {45, (byte) (i >>> 16), (byte) (i >>> 8), (byte) i};
            NodeInfo n = new NodeInfo(NodeId.random(random), new InetSocketAddress(InetAddress.getByAddress(ip), 6881));
            table.heard(n, true, T0 + i);
        }
        assertThat(table.size()).isLessThanOrEqualTo(500);
        assertThat(table.buckets()).allSatisfy(b -> assertThat(b.replacements()).isEmpty());
    }

    @Test
    void queriesAloneNeverFillTheTable() {
        RoutingTable table = new RoutingTable(ownId, 500, random);
        for (int i = 0; i < 10_000; i++) {
            assertThat(table.heard(local(NodeId.random(random)), false, T0 + i)).isInstanceOf(Rejected.class);
        }
        assertThat(table.size()).isZero();
        assertThat(table.buckets()).allSatisfy(b -> assertThat(b.replacements()).isEmpty());
    }

    @Test
    void aTableAtMaxNodesStillReplacesAQuestionableNodeThatFails() {
        RoutingTable table = new RoutingTable(ownId, RoutingTable.K, random);
        List<NodeInfo> first = new ArrayList<>();
        for (int i = 0; i < RoutingTable.K; i++) {
            NodeInfo n = local(NodeId.random(random));
            table.heard(n, true, T0 + i);
            first.add(n);
        }
        NodeInfo candidate = local(NodeId.random(random));
        long now = T0 + 20 * MINUTE;
        assertThat(table.heard(candidate, true, now)).isEqualTo(new PingFirst(first.get(0)));
        assertThat(table.bucketCount()).isEqualTo(1); // no split past maxNodes
        table.failed(first.get(0), now + 1);
        assertThat(table.find(candidate.id())).contains(candidate);
        assertThat(table.size()).isEqualTo(RoutingTable.K);
    }

    // ---- refresh

    @Test
    void refreshTargetsLieInsideTheirStaleBuckets() {
        RoutingTable table = new RoutingTable(ownId, 100_000, random);
        assertThat(table.refreshTargets(T0)).hasSize(1); // a fresh table has never changed
        assertThat(table.refreshTargets(T0)).isEmpty();
        for (int i = 0; i < 1000; i++) {
            table.heard(local(NodeId.random(random)), true, T0);
        }
        assertThat(table.refreshTargets(T0 + 15 * MINUTE - 1)).isEmpty();
        List<NodeId> targets = table.refreshTargets(T0 + 15 * MINUTE);
        assertThat(targets).hasSize(table.bucketCount());
        int last = table.bucketCount() - 1;
        for (int i = 0; i < targets.size(); i++) {
            NodeId target = targets.get(i);
            assertThat(table.bucketIndexOf(target)).isEqualTo(i);
            int shared = ownId.commonPrefixLength(target);
            if (i < last) {
                assertThat(shared).isEqualTo(i);
            } else {
                assertThat(shared).isGreaterThanOrEqualTo(last);
            }
        }
        assertThat(table.refreshTargets(T0 + 15 * MINUTE + 1)).isEmpty(); // marked refreshed
    }

    @Test
    void aBucketWhoseNodeAnswersIsNotStale() {
        RoutingTable table = new RoutingTable(ownId, 100, random);
        NodeInfo node = local(NodeId.random(random));
        table.heard(node, true, T0);
        table.heard(node, true, T0 + 10 * MINUTE);
        assertThat(table.refreshTargets(T0 + 24 * MINUTE)).isEmpty();
        table.heard(node, false, T0 + 24 * MINUTE); // a query is not a change
        assertThat(table.refreshTargets(T0 + 25 * MINUTE)).hasSize(1);
    }

    @Test
    void refreshTargetsAreRandom() {
        RoutingTable table = new RoutingTable(ownId, 100, random);
        NodeId first = table.refreshTargets(T0).get(0);
        NodeId second = table.refreshTargets(T0 + 15 * MINUTE).get(0);
        assertThat(first).isNotEqualTo(second);
    }

    // ---- helpers

    /** Fills bucket 0 (ids not sharing our first bit) with K good nodes, heard at {@code at}. */
    private List<NodeInfo> fillFarBucket(RoutingTable table, long at) {
        List<NodeInfo> far = new ArrayList<>();
        for (int i = 0; i < RoutingTable.K; i++) {
            NodeInfo n = local(idSharing(0));
            assertThat(table.heard(n, true, at)).isInstanceOf(Added.class);
            far.add(n);
        }
        table.heard(local(idSharing(5)), true, at); // splits the first bucket: the far half is bucket 0
        assertThat(table.buckets().get(0).nodes()).containsExactlyInAnyOrderElementsOf(far);
        return far;
    }

    /** A node on a public address in {@code prefix}.x whose BEP 42 id verifies and does not share our first bit. */
    private NodeInfo verifiedFarNode(String prefix) throws UnknownHostException {
        for (int host = 1; host < 255; host++) {
            InetAddress ip = InetAddress.getByName(prefix + host);
            NodeId id = SecureNodeId.generate(ip, random);
            if (!id.bit(0)) {
                return new NodeInfo(id, new InetSocketAddress(ip, 6881));
            }
        }
        throw new AssertionError("no far secure id in " + prefix);
    }

    private NodeInfo local(NodeId id) {
        return new NodeInfo(id, new InetSocketAddress(InetAddress.getLoopbackAddress(), nextPort++));
    }

    /** A random id sharing exactly {@code bits} leading bits with our id. */
    private NodeId idSharing(int bits) {
        byte[] b = NodeId.random(random).bytes();
        byte[] own = ownId.bytes();
        for (int i = 0; i <= bits; i++) {
            int mask = 0x80 >>> (i & 7);
            boolean value = (own[i >>> 3] & mask) != 0;
            if (i == bits) {
                value = !value;
            }
            b[i >>> 3] = (byte) (value ? b[i >>> 3] | mask : b[i >>> 3] & ~mask);
        }
        NodeId id = NodeId.of(b);
        assertThat(ownId.commonPrefixLength(id)).isEqualTo(bits);
        return id;
    }

    private static NodeId idWithFirstBit(NodeId id, boolean one) {
        byte[] b = id.bytes();
        b[0] = (byte) (one ? b[0] | 0x80 : b[0] & 0x7f);
        return NodeId.of(b);
    }

    private static List<NodeInfo> concat(List<NodeInfo> a, List<NodeInfo> b) {
        List<NodeInfo> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
