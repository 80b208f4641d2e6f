package io.btget.peer.ext.pex;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.btget.peer.WireException;
import java.net.InetSocketAddress;
import java.util.Set;

/**
 * Fuzzes the ut_pex decoder (BEP 11) and the receiver's rules. In a normal test run this replays the seeds in
 * src/test/resources/io/btget/peer/ext/pex/PexMessageFuzzTestInputs/; with JAZZER_FUZZ=1 it fuzzes for real.
 */
class PexMessageFuzzTest {
    private static final Set<InetSocketAddress> US = Set.of(new InetSocketAddress("127.0.0.1", 6881));

    @FuzzTest(maxDuration = "60s")
    void decodingFailsOnlyWithWireExceptionStaysBoundedAndRoundTrips(byte[] input) throws WireException {
        PexMessage message;
        try {
            message = PexMessage.decode(input);
        } catch (WireException expected) {
            return;
        }
        assertThat(message.added()).hasSizeLessThanOrEqualTo(PexMessage.MAX_ADDED);
        assertThat(message.dropped()).hasSizeLessThanOrEqualTo(PexMessage.MAX_DROPPED);

        // Re-encoding keeps every contact and flag (IPv4-mapped IPv6 contacts move to the IPv4 lists), and the
        // result is a fixed point of decode . encode.
        PexMessage again = PexMessage.decode(message.encode());
        assertThat(again.added()).containsExactlyInAnyOrderElementsOf(message.added());
        assertThat(again.dropped()).containsExactlyInAnyOrderElementsOf(message.dropped());
        assertThat(PexMessage.decode(again.encode())).isEqualTo(again);

        PexReceiver.Verdict verdict = new PexReceiver(US).receive(input, 0);
        assertThat(verdict).isInstanceOf(PexReceiver.Accepted.class);
        PexReceiver.Accepted accepted = (PexReceiver.Accepted) verdict;
        assertThat(accepted.added()).hasSizeLessThanOrEqualTo(PexReceiver.MAX_ACCEPTED_PER_MESSAGE);
        for (PexPeer peer : accepted.added()) {
            assertThat(peer.address().getPort()).isNotZero();
            assertThat(US).doesNotContain(peer.address());
            assertThat(PexReceiver.canBePeer(peer.address().getAddress())).isTrue();
        }
        assertThat(accepted.added().size() + accepted.dropped().size() + accepted.refused())
                .isEqualTo(message.added().size() + message.dropped().size());
    }
}
