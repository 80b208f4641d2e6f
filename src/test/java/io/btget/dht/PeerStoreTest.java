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
    void aFullInfoHashForgetsItsOldestAnnounce() {
        PeerStore store = new PeerStore(10, 3, 100, TTL);
        for (int i = 0; i < 5; i++) {
            store.announce(hash(1), peer(i), false, T0 + i);
        }
        store.announce(hash(1), peer(2), false, T0 + 5); // refreshed: now the newest
        store.announce(hash(1), peer(5), false, T0 + 6);
        assertThat(store.peers(hash(1), 10, random, T0 + 7)).containsExactlyInAnyOrder(peer(2), peer(4), peer(5));
        assertThat(store.peerCount()).isEqualTo(3);
    }

    @Test
    void aFullStoreForgetsTheInfoHashAnnouncedLeastRecently() {
        PeerStore store = new PeerStore(3, 10, 100, TTL);
        store.announce(hash(1), peer(1), false, T0);
        store.announce(hash(2), peer(2), false, T0 + 1);
        store.announce(hash(3), peer(3), false, T0 + 2);
        store.announce(hash(1), peer(4), false, T0 + 3); // hash 1 is now the newest
        store.announce(hash(4), peer(5), false, T0 + 4); // evicts hash 2
        assertThat(store.infoHashCount()).isEqualTo(3);
        assertThat(store.peers(hash(2), 10, random, T0 + 5)).isEmpty();
        assertThat(store.peers(hash(1), 10, random, T0 + 5)).containsExactlyInAnyOrder(peer(1), peer(4));
        assertThat(store.peerCount()).isEqualTo(4);
    }

    @Test
    void getPeersDoesNotKeepAnInfoHashFromEviction() {
        PeerStore store = new PeerStore(2, 10, 100, TTL);
        store.announce(hash(1), peer(1), false, T0);
        store.announce(hash(2), peer(2), false, T0 + 1);
        store.peers(hash(1), 10, random, T0 + 2); // a lookup is not an announce
        store.announce(hash(3), peer(3), false, T0 + 3);
        assertThat(store.peers(hash(1), 10, random, T0 + 4)).isEmpty();
        assertThat(store.peers(hash(2), 10, random, T0 + 4)).containsExactly(peer(2));
    }

    @Test
    void theTotalOfPeersIsBounded() {
        PeerStore store = new PeerStore(100, 100, 10, TTL);
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
    void oneInfoHashFillingTheWholeStoreEvictsItsOwnOldest() {
        PeerStore store = new PeerStore(10, 100, 5, TTL);
        for (int i = 0; i < 8; i++) {
            store.announce(hash(1), peer(i), false, T0 + i);
        }
        assertThat(store.peers(hash(1), 100, random, T0 + 9))
                .containsExactlyInAnyOrder(peer(3), peer(4), peer(5), peer(6), peer(7));
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

    private static InetSocketAddress peer(int n) {
        return new InetSocketAddress("10.0." + (n / 250) % 250 + "." + (n % 250 + 1), 6881 + n % 1000);
    }
}
