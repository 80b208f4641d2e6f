package io.btget.peer;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class KnownPeersTest {
    private static InetSocketAddress addr(int last, int port) throws Exception {
        return new InetSocketAddress(InetAddress.getByAddress(new byte[] {10, 0, 0, (byte) last}), port);
    }

    @Test
    void keepsEverySourceAndFlagOfAnAddress() throws Exception {
        KnownPeers k = new KnownPeers();
        k.add(addr(1, 6881), KnownPeers.Source.TRACKER, 0);
        k.add(addr(1, 6881), KnownPeers.Source.PEX, KnownPeers.SEED | KnownPeers.CONNECTABLE);
        KnownPeers.Info info = k.get(addr(1, 6881)).orElseThrow();
        assertThat(info.sources()).containsExactlyInAnyOrder(KnownPeers.Source.TRACKER, KnownPeers.Source.PEX);
        assertThat(info.flags()).isEqualTo(KnownPeers.SEED | KnownPeers.CONNECTABLE);
        assertThat(k.size()).isEqualTo(1);
    }

    @Test
    void ignoresAddressesThatCannotBePeers() throws Exception {
        KnownPeers k = new KnownPeers();
        assertThat(k.add(addr(1, 0), KnownPeers.Source.PEX, 0)).isFalse();
        assertThat(k.add(new InetSocketAddress(InetAddress.getByName("0.0.0.0"), 1), KnownPeers.Source.PEX, 0)).isFalse();
        assertThat(k.add(new InetSocketAddress(InetAddress.getByName("224.0.0.1"), 1), KnownPeers.Source.PEX, 0)).isFalse();
        assertThat(k.add(InetSocketAddress.createUnresolved("example.org", 1), KnownPeers.Source.PEX, 0)).isFalse();
        assertThat(k.size()).isZero();
    }

    @Test
    void staysBoundedAndEvictsTheEntryThatFailedMost() throws Exception {
        KnownPeers k = new KnownPeers(2);
        k.add(addr(1, 1), KnownPeers.Source.TRACKER, 0);
        k.add(addr(2, 1), KnownPeers.Source.TRACKER, 0);
        assertThat(k.add(addr(3, 1), KnownPeers.Source.PEX, 0)).isFalse(); // nobody failed: nothing to evict
        k.candidates(1, 0);
        k.dialFailed(addr(1, 1), false, 0);
        assertThat(k.add(addr(3, 1), KnownPeers.Source.PEX, 0)).isTrue();
        assertThat(k.size()).isEqualTo(2);
        assertThat(k.get(addr(1, 1))).isEmpty();
    }

    @Test
    void backsOffAfterAFailedDialAndNeverDialsABannedPeer() throws Exception {
        KnownPeers k = new KnownPeers();
        k.add(addr(1, 1), KnownPeers.Source.TRACKER, 0);
        k.add(addr(2, 1), KnownPeers.Source.TRACKER, 0);
        assertThat(k.candidates(10, 0)).containsExactly(addr(1, 1), addr(2, 1));
        assertThat(k.candidates(10, 0)).isEmpty(); // both busy
        k.dialFailed(addr(1, 1), false, 0);
        k.dialFailed(addr(2, 1), true, 0);
        long first = Limits.REDIAL_FIRST_SECONDS * 1_000_000_000L;
        assertThat(k.candidates(10, first - 1)).isEmpty();
        assertThat(k.candidates(10, first)).containsExactly(addr(1, 1));
        assertThat(k.isBanned(addr(2, 1))).isTrue();
    }

    @Test
    void aMisbehavingConnectionIsBannedEvenWhenItWasNotKnown() throws Exception {
        KnownPeers k = new KnownPeers();
        k.closed(addr(9, 1234), true, 5, 0);
        assertThat(k.isBanned(addr(9, 1234))).isTrue();
        assertThat(k.candidates(10, Long.MAX_VALUE / 2)).isEmpty();
    }

    @Test
    void aBannedPeerIdStaysBannedWhateverItsAddressAndTheOldestAreForgottenBeyondTheBound() {
        KnownPeers known = new KnownPeers();
        byte[] raw = new byte[PeerId.LENGTH];
        raw[0] = 1;
        PeerId first = new PeerId(raw);
        known.banPeerId(first);
        assertThat(known.isBannedPeerId(new PeerId(raw))).as("by content, not identity").isTrue();
        for (int i = 0; i < KnownPeers.BANNED_IDS; i++) {
            byte[] other = new byte[PeerId.LENGTH];
            other[0] = 2;
            other[1] = (byte) i;
            other[2] = (byte) (i >> 8);
            known.banPeerId(new PeerId(other));
        }
        assertThat(known.isBannedPeerId(first)).as("the oldest forgotten beyond %d", KnownPeers.BANNED_IDS).isFalse();
        byte[] newest = new byte[PeerId.LENGTH];
        newest[0] = 2;
        newest[1] = (byte) (KnownPeers.BANNED_IDS - 1);
        newest[2] = (byte) ((KnownPeers.BANNED_IDS - 1) >> 8);
        assertThat(known.isBannedPeerId(new PeerId(newest))).isTrue();
    }
}
