package io.btget.peer.ext.pex;

import static io.btget.peer.ext.pex.PexTestData.addr;
import static io.btget.peer.ext.pex.PexTestData.concat;
import static io.btget.peer.ext.pex.PexTestData.dict;
import static io.btget.peer.ext.pex.PexTestData.v4;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.btget.peer.WireException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PexReceiverTest {
    private static final long SECOND = 1_000_000_000L;
    private static final InetSocketAddress US = addr("127.0.0.1", 6881);

    private static PexReceiver receiver() {
        return new PexReceiver(Set.of(US));
    }

    private static PexReceiver.Accepted accepted(PexReceiver.Verdict v) {
        assertThat(v).isInstanceOf(PexReceiver.Accepted.class);
        return (PexReceiver.Accepted) v;
    }

    @Test
    void acceptsLoopbackPrivateAndIpv6PeersWithFlags() throws Exception {
        byte[] payload = dict("added", concat(v4(127, 0, 0, 1, 7000), v4(192, 168, 0, 5, 7001)),
                "added.f", new byte[] {PexPeer.SEED, PexPeer.CONNECTABLE});

        PexReceiver.Accepted a = accepted(receiver().receive(payload, 0));

        assertThat(a.added()).containsExactly(new PexPeer(addr("127.0.0.1", 7000), PexPeer.SEED),
                new PexPeer(addr("192.168.0.5", 7001), PexPeer.CONNECTABLE));
        assertThat(a.refused()).isZero();
    }

    @Test
    void ignoresOurOwnAddresses() throws Exception {
        PexReceiver r = receiver();
        r.addOwnAddress(addr("203.0.113.7", 6881)); // yourip from a peer's extended handshake

        PexReceiver.Accepted a = accepted(r.receive(dict("added", concat(v4(127, 0, 0, 1, 6881),
                v4(203, 0, 113, 7, 6881), v4(127, 0, 0, 1, 6882))), 0));

        assertThat(a.added()).containsExactly(PexPeer.of(addr("127.0.0.1", 6882)));
        assertThat(a.refused()).isEqualTo(2);
    }

    @Test
    void ignoresPortZero() throws Exception {
        PexReceiver.Accepted a = accepted(receiver().receive(dict("added", v4(127, 0, 0, 1, 0)), 0));

        assertThat(a.added()).isEmpty();
    }

    @Test
    void ignoresMulticastBroadcastAndUnspecifiedAddresses() throws Exception {
        byte[] v6Unspecified = new byte[18];
        v6Unspecified[17] = 1;
        byte[] v6Multicast = new byte[18];
        v6Multicast[0] = (byte) 0xFF;
        v6Multicast[1] = 0x02;
        v6Multicast[15] = 1;
        v6Multicast[17] = 1;
        byte[] payload = dict(
                "added", concat(v4(224, 0, 0, 1, 1), v4(239, 255, 255, 250, 1), v4(255, 255, 255, 255, 1),
                        v4(0, 0, 0, 0, 1), v4(0, 1, 2, 3, 1), v4(240, 0, 0, 1, 1), v4(127, 0, 0, 2, 1)),
                "added6", concat(v6Unspecified, v6Multicast),
                "dropped", v4(255, 255, 255, 255, 1));

        PexReceiver.Accepted a = accepted(receiver().receive(payload, 0));

        assertThat(a.added()).containsExactly(PexPeer.of(addr("127.0.0.2", 1)));
        assertThat(a.dropped()).isEmpty();
        assertThat(a.refused()).isEqualTo(9);
    }

    @Test
    void boundsTheAddedContactsAcceptedFromOneMessage() throws Exception {
        byte[] many = new byte[3000 * 6];
        for (int i = 0; i < 3000; i++) {
            System.arraycopy(v4(10, 0, i >>> 8 & 0xFF, i & 0xFF, 1 + i), 0, many, i * 6, 6);
        }

        PexReceiver.Accepted a = accepted(receiver().receive(dict("added", many), 0));

        assertThat(a.added()).hasSize(PexReceiver.MAX_ACCEPTED_PER_MESSAGE);
    }

    @Test
    void ignoresDuplicatesAndContactsBothAddedAndDropped() throws Exception {
        byte[] payload = dict(
                "added", concat(v4(127, 0, 0, 1, 1), v4(127, 0, 0, 1, 1), v4(127, 0, 0, 1, 2)),
                "dropped", concat(v4(127, 0, 0, 1, 2), v4(127, 0, 0, 1, 3), v4(127, 0, 0, 1, 3)));

        PexReceiver.Accepted a = accepted(receiver().receive(payload, 0));

        assertThat(a.added()).containsExactly(PexPeer.of(addr("127.0.0.1", 1)));
        assertThat(a.dropped()).containsExactly(addr("127.0.0.1", 3));
    }

    @Test
    void flagsWithoutEntriesGiveNothing() throws Exception {
        PexReceiver.Accepted a = accepted(receiver().receive(dict("added.f", new byte[50]), 0));

        assertThat(a.added()).isEmpty();
        assertThat(a.dropped()).isEmpty();
    }

    @Test
    void lengthsThatAreNotAMultipleOfTheEntrySizeGiveNothing() throws Exception {
        PexReceiver.Accepted a = accepted(receiver().receive(
                dict("added", new byte[13], "added6", new byte[35], "dropped", new byte[1]), 0));

        assertThat(a.added()).isEmpty();
        assertThat(a.dropped()).isEmpty();
    }

    @Test
    void reportsAFloodAfterSixMessagesInAMinute() throws Exception {
        PexReceiver r = receiver();
        byte[] payload = dict("added", v4(127, 0, 0, 1, 1));
        for (int i = 0; i < PexReceiver.MAX_MESSAGES_PER_WINDOW; i++) {
            accepted(r.receive(payload, i * SECOND));
        }

        PexReceiver.Verdict v = r.receive(payload, 59 * SECOND);

        assertThat(v).isInstanceOf(PexReceiver.Flood.class);
        assertThat(((PexReceiver.Flood) v).reason()).isEqualTo("7 ut_pex messages within 60 s (limit 6)");
    }

    @Test
    void aFloodIsReportedBeforeDecoding() throws Exception {
        PexReceiver r = receiver();
        for (int i = 0; i < PexReceiver.MAX_MESSAGES_PER_WINDOW; i++) {
            r.receive(new PexMessage(List.of(), List.of()), i);
        }

        assertThat(r.receive(new byte[] {'x'}, 10)).isInstanceOf(PexReceiver.Flood.class);
    }

    @Test
    void oneMessageAMinuteIsNeverAFlood() throws Exception {
        PexReceiver r = receiver();
        byte[] payload = dict("added", v4(127, 0, 0, 1, 1));

        for (int i = 0; i < 100; i++) {
            accepted(r.receive(payload, i * 60 * SECOND));
        }
    }

    @Test
    void aBurstAfterAQuietMinuteIsTolerated() throws Exception {
        PexReceiver r = receiver();
        List<PexReceiver.Verdict> verdicts = new ArrayList<>();
        // Six messages read back to back (a rate-limited connection), then one a minute after the first.
        for (int i = 0; i < 6; i++) {
            verdicts.add(r.receive(new PexMessage(List.of(), List.of()), i));
        }
        verdicts.add(r.receive(new PexMessage(List.of(), List.of()), 60 * SECOND));

        assertThat(verdicts).allMatch(v -> v instanceof PexReceiver.Accepted);
    }

    @Test
    void undecodablePayloadIsAWireException() {
        assertThatThrownBy(() -> receiver().receive("i5e".getBytes(), 0)).isInstanceOf(WireException.class)
                .hasMessage("ut_pex message is a bencode integer, not a dictionary");
    }
}
