package io.btget.dht;

import static org.assertj.core.api.Assertions.assertThat;

import io.btget.dht.DhtNode.LookupResult;
import io.btget.dht.krpc.NodeId;
import io.btget.metainfo.InfoHash;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * A network of {@value #NODES} btget DHT nodes in this process on 127.0.0.1 (issue 10): iterative lookups end
 * at the true K closest live nodes (checked against brute force over every id), a peer one node announces is found
 * by every other node, and both still hold after a third of the nodes die without a word. Every node has its own
 * seeded {@link Random}, so the ids (and hence the answers) are the same on every run; only timing varies.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DhtNetworkIT {
    private static final int NODES = 50;
    private static final long SEED = 10;
    /** Random lookup targets per check. */
    private static final int TARGETS = 8;
    /** Bound on one round of lookups; a lookup that meets dead nodes waits out their query timeouts. */
    private static final long LOOKUP_SECONDS = 40;
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private NetCluster net;

    @BeforeAll
    @Timeout(90)
    void startTheNetwork() throws Exception {
        net = NetCluster.start(NODES, SEED, LOOPBACK);
        net.settle(2, LOOKUP_SECONDS);
        for (int i = 0; i < NODES; i++) {
            assertThat(net.node(i).routingTable()).as("routing table of node %d after bootstrap", i)
                    .hasSizeGreaterThanOrEqualTo(RoutingTable.K);
        }
    }

    @AfterAll
    void stopTheNetwork() {
        if (net != null) {
            net.close();
        }
    }

    @Test
    @Order(1)
    @Timeout(60)
    void lookupsFromAnyNodeConvergeToTheTrueKClosest() throws Exception {
        assertLookupsConverge(new Random(SEED + 1));
    }

    @Test
    @Order(2)
    @Timeout(60)
    void aPeerOneNodeAnnouncesIsFoundByEveryOtherNode() throws Exception {
        DhtNode announcer = net.node(7);
        NodeId infoHash = NodeId.random(new Random(SEED + 2));
        LookupResult announced = announcer.announce(infoHash, 40_001).get(LOOKUP_SECONDS, TimeUnit.SECONDS);
        assertThat(announced.closest()).as("nodes that took the announce").isNotEmpty();

        assertEveryLiveNodeFinds(infoHash, new InetSocketAddress(LOOPBACK, 40_001), announcer);
    }

    @Test
    @Order(3)
    @Timeout(60)
    void aSearchWithAPortIsFoundByOtherNodesSearches() throws Exception {
        // the Dht interface sessions use: one search announces its port, others only look
        InfoHash infoHash = new InfoHash(NodeId.random(new Random(SEED + 4)).bytes());
        int storedBefore = storedPeers();
        CompletableFuture<Integer> announcerDone = new CompletableFuture<>();
        try (Dht.Search announcing = net.node(20).search(infoHash, 40_004, new Dht.PeerSink() {
            @Override
            public void peersFound(List<InetSocketAddress> peers) {
            }

            @Override
            public void lookupDone(int peers) {
                announcerDone.complete(peers);
            }
        })) {
            announcerDone.get(LOOKUP_SECONDS, TimeUnit.SECONDS);
            // the announce_peer queries go out as the lookup ends: wait until the K closest nodes hold the peer
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (storedPeers() < storedBefore + RoutingTable.K && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(storedPeers() - storedBefore).as("nodes that stored the search's announce")
                    .isEqualTo(RoutingTable.K);
            InetSocketAddress expected = new InetSocketAddress(LOOPBACK, 40_004);
            List<CompletableFuture<Boolean>> found = new ArrayList<>();
            List<Dht.Search> searches = new ArrayList<>();
            try {
                for (int i = 30; i < 40; i++) {
                    CompletableFuture<Boolean> f = new CompletableFuture<>();
                    found.add(f);
                    searches.add(net.node(i).search(infoHash, 0, new Dht.PeerSink() {
                        @Override
                        public void peersFound(List<InetSocketAddress> peers) {
                            if (peers.contains(expected)) {
                                f.complete(true);
                            }
                        }

                        @Override
                        public void lookupDone(int peers) {
                            f.complete(false);
                        }
                    }));
                }
                for (int i = 0; i < found.size(); i++) {
                    assertThat(found.get(i).get(LOOKUP_SECONDS, TimeUnit.SECONDS))
                            .as("node %d's search found the announced port before its lookup ended", 30 + i).isTrue();
                    assertThat(searches.get(i).peersFound()).isGreaterThanOrEqualTo(1);
                }
            } finally {
                searches.forEach(Dht.Search::close);
            }
        }
    }

    @Test
    @Order(4)
    @Timeout(100)
    void afterAThirdOfTheNodesDieLookupsStillConvergeAndAnnouncesAreStillFound() throws Exception {
        Random random = new Random(SEED + 3);
        DhtNode before = net.node(11);
        NodeId oldHash = NodeId.random(random);
        before.announce(oldHash, 40_002).get(LOOKUP_SECONDS, TimeUnit.SECONDS);

        List<Integer> victims = new ArrayList<>();
        for (int i = 0; i < NODES; i++) {
            if (i != 11) {
                victims.add(i);
            }
        }
        Collections.shuffle(victims, random);
        for (int i : victims.subList(0, NODES / 3)) {
            net.kill(i);
        }
        assertThat(net.live()).hasSize(NODES - NODES / 3);
        // the survivors' tables still list the dead, and a node's reply names its closest known nodes, dead or
        // not, until it has itself seen them fail RoutingTable.MAX_FAILURES times (then they are bad: BEP 5). So
        // let the network notice: every survivor refreshes around its own id that many times (what bucket
        // refreshes do in time), which makes the nodes near each dead node fail it
        net.refresh(RoutingTable.MAX_FAILURES, LOOKUP_SECONDS);

        assertLookupsConverge(random);
        // the announce made before the deaths: any of the K nodes that stored it and survived is among the K
        // closest live nodes, which every lookup reaches
        assertEveryLiveNodeFinds(oldHash, new InetSocketAddress(LOOPBACK, 40_002), before);

        DhtNode after = net.live().get(random.nextInt(net.live().size()));
        NodeId newHash = NodeId.random(random);
        LookupResult announced = after.announce(newHash, 40_003).get(LOOKUP_SECONDS, TimeUnit.SECONDS);
        assertThat(announced.closest()).as("nodes that took the announce made after the deaths").isNotEmpty();
        assertEveryLiveNodeFinds(newHash, new InetSocketAddress(LOOPBACK, 40_003), after);
    }

    /** Peers stored over every live node. */
    private int storedPeers() {
        return net.live().stream().mapToInt(n -> n.stats().storedPeers()).sum();
    }

    /** {@value #TARGETS} find_node lookups for random targets from random live nodes, all at once. */
    /**
     * Lookups from random nodes for random targets find the true K closest. A lookup is only as good as the routing
     * tables it walks, and those were filled by a timed settle: on a loaded machine (the whole interop suite in one
     * JVM) a few replies missed it, and a lookup then ran out of closer candidates (it failed twice in CI that way,
     * ending in 40 ms with 8 of 10 queried nodes answering). So a lookup that misses gets up to two more settle
     * rounds and a fresh lookup, as a real node would refresh its buckets; the last attempt must converge.
     */
    private void assertLookupsConverge(Random random) throws Exception {
        List<DhtNode> live = net.live();
        for (int t = 0; t < TARGETS; t++) {
            DhtNode asker = live.get(random.nextInt(live.size()));
            NodeId target = NodeId.random(random);
            List<NodeId> expected = net.trueClosest(target, asker, RoutingTable.K);
            for (int attempt = 1; ; attempt++) {
                LookupResult result = asker.findNode(target).get(LOOKUP_SECONDS, TimeUnit.SECONDS);
                List<NodeId> found = NetCluster.closestIds(result.closest(), target, asker, RoutingTable.K);
                if (found.equals(expected) || attempt == 3) {
                    assertThat(found).as("lookup %d for %s from node %s (%d queried, %d responded, attempt %d)", t,
                            target, asker.id(), result.queried(), result.responded(), attempt)
                            .containsExactlyElementsOf(expected);
                    break;
                }
                net.settle(1, LOOKUP_SECONDS);
            }
        }
    }

    /** get_peers from every live node but {@code announcer}, all at once: each must return {@code peer}. */
    private void assertEveryLiveNodeFinds(NodeId infoHash, InetSocketAddress peer, DhtNode announcer)
            throws Exception {
        List<DhtNode> seekers = net.live().stream().filter(n -> n != announcer).toList();
        List<LookupResult> results = NetCluster.awaitAll(seekers, n -> n.getPeers(infoHash), LOOKUP_SECONDS);
        for (int i = 0; i < seekers.size(); i++) {
            assertThat(results.get(i).peers()).as("peers node %s found for %s", seekers.get(i).id(), infoHash)
                    .contains(peer);
        }
    }
}
