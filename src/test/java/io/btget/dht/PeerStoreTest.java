package io.btget.dht;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.btget.dht.krpc.NodeId;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PeerStoreTest {
    private static final long MINUTE = 60_000_000_000L;
    private static final long TTL = 30 * MINUTE;
    private static final long T0 = -5 * MINUTE; // nanoTime may be negative

    private final Random random = new Random(11);

    @Test
    void returnsWhatWasAnnouncedPerInfoHash() {
        PeerStore store = new PeerStore(10, 10, 100, TTL);
        NodeId a = hash(1);
        NodeId b = hash(2);
        store.announce(a, peer(1), false, T0);
        store.announce(a, peer(2), true, T0);
        store.announce(b, peer(3), false, T0);
        assertThat(store.peers(a, 50, random, T0)).containsExactlyInAnyOrder(peer(1), peer(2));
        assertThat(store.peers(b, 50, random, T0)).containsExactly(peer(3));
        assertThat(store.peers(hash(3), 50, random, T0)).isEmpty();
        assertThat(store.seedCount(a, T0)).isEqualTo(1);
        assertThat(store.infoHashCount()).isEqualTo(2);
        assertThat(store.peerCount()).isEqualTo(3);
    }

    @Test
    void reannouncingRefreshesWithoutDuplicating() {
        PeerStore store = new PeerStore(10, 10, 100, TTL);
        store.announce(hash(1), peer(1), false, T0);
        store.announce(hash(1), peer(1), true, T0 + 20 * MINUTE);
        assertThat(store.peerCount()).isEqualTo(1);
        assertThat(store.seedCount(hash(1), T0 + 20 * MINUTE)).isEqualTo(1);
        // Live 30 minutes after the re-announce, not after the first.
        assertThat(store.peers(hash(1), 10, random, T0 + 40 * MINUTE)).containsExactly(peer(1));
        assertThat(store.peers(hash(1), 10, random, T0 + 50 * MINUTE)).isEmpty();
    }

    @Test
    void announcesExpireAfterTheTtl() {
        PeerStore store = new PeerStore(10, 10, 100, TTL);
        store.announce(hash(1), peer(1), false, T0);
        store.announce(hash(1), peer(2), false, T0 + 10 * MINUTE);
        assertThat(store.peers(hash(1), 10, random, T0 + TTL - 1)).containsExactlyInAnyOrder(peer(1), peer(2));
        assertThat(store.peers(hash(1), 10, random, T0 + TTL)).containsExactly(peer(2));
        assertThat(store.peerCount()).isEqualTo(1);
        assertThat(store.peers(hash(1), 10, random, T0 + 10 * MINUTE + TTL)).isEmpty();
        assertThat(store.peerCount()).isZero();
        assertThat(store.infoHashCount()).isZero();
    }

    @Test
    void expireDropsEveryDeadEntry() {
        PeerStore store = new PeerStore(100, 10, 1000, TTL);
        for (int i = 0; i < 50; i++) {
            store.announce(hash(i), peer(i), false, T0 + i * MINUTE / 2);
        }
        assertThat(store.infoHashCount()).isEqualTo(50);
        store.expire(T0 + 40 * MINUTE); // announces at minutes 0..10 (i = 0..20) are dead
        assertThat(store.infoHashCount()).isEqualTo(29);
        assertThat(store.peerCount()).isEqualTo(29);
        assertThat(store.peers(hash(20), 10, random, T0 + 40 * MINUTE)).isEmpty();
        assertThat(store.peers(hash(21), 10, random, T0 + 40 * MINUTE)).containsExactly(peer(21));
    }

    @Test
    void aFullInfoHashDropsOneOfItsPeersForANewcomer() {
        PeerStore store = new PeerStore(10, 3, 100, TTL, 32, random);
        for (int i = 0; i < 5; i++) {
            store.announce(hash(1), peer(i), false, T0 + i);
        }
        List<InetSocketAddress> kept = store.peers(hash(1), 10, random, T0 + 7);
        assertThat(kept).hasSize(3).contains(peer(4)).isSubsetOf(peer(0), peer(1), peer(2), peer(3), peer(4));
        assertThat(store.peerCount()).isEqualTo(3);
    }

    @Test
    void aFullStoreDropsAnInfoHashWithTheFewestPeers() {
        PeerStore store = new PeerStore(3, 10, 100, TTL, 32, random);
        store.announce(hash(1), peer(1), false, T0);
        store.announce(hash(1), peer(2), false, T0 + 1);
        store.announce(hash(2), peer(3), false, T0 + 2); // one peer: the one to go
        store.announce(hash(3), peer(4), false, T0 + 3);
        store.announce(hash(3), peer(5), false, T0 + 4);
        store.announce(hash(4), peer(6), false, T0 + 5);
        assertThat(store.infoHashCount()).isEqualTo(3);
        assertThat(store.peers(hash(2), 10, random, T0 + 6)).isEmpty();
        assertThat(store.peers(hash(1), 10, random, T0 + 6)).containsExactlyInAnyOrder(peer(1), peer(2));
        assertThat(store.peers(hash(3), 10, random, T0 + 6)).containsExactlyInAnyOrder(peer(4), peer(5));
        assertThat(store.peers(hash(4), 10, random, T0 + 6)).containsExactly(peer(6));
        assertThat(store.peerCount()).isEqualTo(5);
    }

    @Test
    void aFullStoreDropsAnExpiredInfoHashFirst() {
        PeerStore store = new PeerStore(2, 10, 100, TTL, 32, random);
        store.announce(hash(1), peer(1), false, T0);
        store.announce(hash(2), peer(2), false, T0 + 20 * MINUTE);
        store.announce(hash(2), peer(3), false, T0 + 20 * MINUTE);
        store.announce(hash(3), peer(4), false, T0 + 31 * MINUTE);
        assertThat(store.peers(hash(2), 10, random, T0 + 32 * MINUTE)).containsExactlyInAnyOrder(peer(2), peer(3));
        assertThat(store.peers(hash(3), 10, random, T0 + 32 * MINUTE)).containsExactly(peer(4));
    }

    @Test
    void theTotalOfPeersIsBounded() {
        PeerStore store = new PeerStore(100, 100, 10, TTL, 32, random);
        for (int i = 0; i < 30; i++) {
            store.announce(hash(i % 4), peer(i), false, T0 + i);
            assertThat(store.peerCount()).isLessThanOrEqualTo(10);
        }
        int total = 0;
        for (int h = 0; h < 4; h++) {
            total += store.peers(hash(h), 100, random, T0 + 31).size();
        }
        assertThat(total).isEqualTo(10).isEqualTo(store.peerCount());
        // The newest announce is always kept.
        assertThat(store.peers(hash(29 % 4), 100, random, T0 + 31)).contains(peer(29));
    }

    @Test
    void aStoreFullOfPeersTakesFromTheLargestSwarm() {
        PeerStore store = new PeerStore(100, 100, 10, TTL, 32, random);
        for (int i = 0; i < 7; i++) {
            store.announce(hash(1), peer(i), false, T0 + i);
        }
        store.announce(hash(2), peer(100), false, T0 + 10);
        store.announce(hash(3), peer(101), false, T0 + 11);
        store.announce(hash(3), peer(102), false, T0 + 12);
        store.announce(hash(4), peer(103), false, T0 + 13); // full: one of hash 1's seven goes
        assertThat(store.peerCount()).isEqualTo(10);
        assertThat(store.peers(hash(1), 100, random, T0 + 14)).hasSize(6);
        assertThat(store.peers(hash(2), 100, random, T0 + 14)).containsExactly(peer(100));
        assertThat(store.peers(hash(3), 100, random, T0 + 14)).hasSize(2);
        assertThat(store.peers(hash(4), 100, random, T0 + 14)).containsExactly(peer(103));
    }

    @Test
    void oneInfoHashFillingTheWholeStoreEvictsItsOwn() {
        PeerStore store = new PeerStore(10, 100, 5, TTL, 32, random);
        for (int i = 0; i < 8; i++) {
            store.announce(hash(1), peer(i), false, T0 + i);
        }
        assertThat(store.peers(hash(1), 100, random, T0 + 9)).hasSize(5).contains(peer(7));
    }

    @Test
    void aNewPortFromTheSameIpReplacesItsEntry() {
        PeerStore store = new PeerStore(10, 10, 100, TTL, 32, random);
        InetSocketAddress first = new InetSocketAddress("203.0.113.7", 6881);
        InetSocketAddress second = new InetSocketAddress("203.0.113.7", 51413);
        store.announce(hash(1), first, false, T0);
        store.announce(hash(1), peer(1), false, T0 + 1);
        store.announce(hash(1), second, true, T0 + 2);
        assertThat(store.peers(hash(1), 10, random, T0 + 3)).containsExactlyInAnyOrder(second, peer(1));
        assertThat(store.peerCount()).isEqualTo(2);
        assertThat(store.seedCount(hash(1), T0 + 3)).isEqualTo(1);
    }

    @Test
    void oneIpAnnouncingTwoHundredPortsCannotFlushAnInfoHash() {
        PeerStore store = new PeerStore(10, 20, 1000, TTL, 32, random);
        for (int i = 0; i < 15; i++) {
            store.announce(hash(1), peer(i), false, T0 + i);
        }
        for (int port = 1; port <= 200; port++) { // announce_peer with 200 ports, or implied_port from 200 sockets
            store.announce(hash(1), new InetSocketAddress("198.51.100.66", port), false, T0 + 100 + port);
        }
        List<InetSocketAddress> kept = store.peers(hash(1), 100, random, T0 + 400);
        assertThat(kept).hasSize(16).contains(new InetSocketAddress("198.51.100.66", 200));
        for (int i = 0; i < 15; i++) {
            assertThat(kept).contains(peer(i));
        }
    }

    @Test
    void oneIpAnnouncingThousandsOfInfoHashesCannotPushOutOtherSwarms() {
        PeerStore store = new PeerStore(100, 20, 1000, TTL, PeerStore.MAX_INFO_HASHES_PER_SOURCE, random);
        for (int h = 0; h < 60; h++) {
            store.announce(hash(h), peer(h), false, T0 + h);
        }
        InetSocketAddress flooder = new InetSocketAddress("198.51.100.66", 6881);
        for (int i = 0; i < 2000; i++) {
            store.announce(hash(10_000 + i), flooder, false, T0 + 100 + i);
        }
        for (int h = 0; h < 60; h++) {
            assertThat(store.peers(hash(h), 10, random, T0 + 3000)).as("swarm %d", h).containsExactly(peer(h));
        }
        assertThat(store.infoHashCount()).isEqualTo(60 + PeerStore.MAX_INFO_HASHES_PER_SOURCE);
        // the flooder keeps its latest announces
        assertThat(store.peers(hash(10_000 + 1999), 10, random, T0 + 3000)).containsExactly(flooder);
        assertThat(store.peers(hash(10_000), 10, random, T0 + 3000)).isEmpty();
    }

    @Test
    void manyIpsFloodingMadeUpInfoHashesDoNotPushOutASwarmManyAnnounced() {
        PeerStore store = new PeerStore(50, 20, 1000, TTL, PeerStore.MAX_INFO_HASHES_PER_SOURCE, random);
        for (int i = 0; i < 5; i++) {
            store.announce(hash(1), peer(i), false, T0 + i);
        }
        for (int ip = 0; ip < 100; ip++) {
            InetSocketAddress flooder = new InetSocketAddress("198.51." + (100 + ip / 200) + "." + (1 + ip % 200),
                    6881);
            for (int i = 0; i < 32; i++) {
                store.announce(hash(100_000 + ip * 32 + i), flooder, false, T0 + 100 + ip * 32 + i);
            }
        }
        assertThat(store.infoHashCount()).isEqualTo(50);
        assertThat(store.peers(hash(1), 10, random, T0 + 10_000)).hasSize(5);
    }

    @Test
    void loopbackAndPrivateAnnouncersAreKeyedByIpAndPort() {
        PeerStore store = new PeerStore(10, 20, 1000, TTL, 32, random);
        for (int port = 1; port <= 5; port++) {
            store.announce(hash(1), new InetSocketAddress("127.0.0.1", 40_000 + port), false, T0);
            store.announce(hash(1), new InetSocketAddress("192.168.1.2", 40_000 + port), false, T0);
        }
        assertThat(store.peers(hash(1), 100, random, T0)).hasSize(10);
        for (int h = 0; h < 40; h++) { // each loopback socket is its own source for the per-source cap too
            store.announce(hash(100 + h), new InetSocketAddress("127.0.0.1", 50_000 + h), false, T0);
        }
        assertThat(store.infoHashCount()).isEqualTo(10);
    }

    @Test
    void announcesFor100000InfoHashesStayWithinTheBounds() {
        PeerStore store = new PeerStore(500, 20, 2000, TTL);
        Random r = new Random(12);
        for (int i = 0; i < 100_000; i++) {
            byte[] h = new byte[NodeId.LENGTH];
            r.nextBytes(h);
            store.announce(NodeId.of(h), peer(r.nextInt(60_000) + 1), false, T0 + i);
            if (i % 997 == 0) {
                assertThat(store.infoHashCount()).isLessThanOrEqualTo(500);
                assertThat(store.peerCount()).isLessThanOrEqualTo(2000);
            }
        }
        assertThat(store.infoHashCount()).isEqualTo(500);
        assertThat(store.peerCount()).isEqualTo(500);
    }

    @Test
    void manyPeersForFewInfoHashesStayWithinTheBounds() {
        PeerStore store = new PeerStore(500, 20, 100, TTL);
        for (int i = 0; i < 100_000; i++) {
            store.announce(hash(i % 7), peer(i % 65_535 + 1), false, T0 + i);
        }
        assertThat(store.peerCount()).isLessThanOrEqualTo(100);
        assertThat(store.infoHashCount()).isLessThanOrEqualTo(7);
    }

    @Test
    void samplesUniformlyWhenThereAreMoreThanAsked() {
        PeerStore store = new PeerStore(10, 100, 1000, TTL);
        for (int i = 0; i < 20; i++) {
            store.announce(hash(1), peer(i), false, T0);
        }
        Map<InetSocketAddress, Integer> seen = new HashMap<>();
        for (int round = 0; round < 2000; round++) {
            List<InetSocketAddress> sample = store.peers(hash(1), 5, random, T0);
            assertThat(sample).hasSize(5).doesNotHaveDuplicates();
            sample.forEach(p -> seen.merge(p, 1, Integer::sum));
        }
        // Each of 20 peers is expected 500 times in 2000 samples of 5; deterministic seed, wide margin.
        assertThat(seen).hasSize(20);
        assertThat(seen.values()).allSatisfy(n -> assertThat(n).isBetween(380, 620));
        Set<InetSocketAddress> all = new HashSet<>(store.peers(hash(1), 20, random, T0));
        assertThat(all).hasSize(20);
        assertThat(store.peers(hash(1), 0, random, T0)).isEmpty();
    }

    @Test
    void refusesNonPositiveBounds() {
        assertThatThrownBy(() -> new PeerStore(0, 1, 1, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PeerStore(1, 0, 1, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PeerStore(1, 1, 0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PeerStore(1, 1, 1, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PeerStore(1, 1, 1, 1, 0, new Random()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static NodeId hash(int n) {
        byte[] b = new byte[NodeId.LENGTH];
        b[0] = (byte) (n >>> 24);
        b[1] = (byte) (n >>> 16);
        b[2] = (byte) (n >>> 8);
        b[3] = (byte) n;
        b[19] = 0x55;
        return NodeId.of(b);
    }

    /** A distinct public address for each n below 2^24. */
    private static InetSocketAddress peer(int n) {
        return new InetSocketAddress("21." + (n >>> 16 & 0xff) + "." + (n >>> 8 & 0xff) + "." + (n & 0xff),
                6881 + n % 1000);
    }
}
