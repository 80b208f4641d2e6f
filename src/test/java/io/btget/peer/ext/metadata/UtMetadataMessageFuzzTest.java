package io.btget.peer.ext.metadata;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.btget.peer.WireException;

/**
 * Fuzzes the BEP 9 message decoder: it fails only with a {@link WireException}, and whatever it accepts encodes to
 * a payload that decodes to the same message. In a normal test run this replays the seeds in
 * src/test/resources/io/btget/peer/ext/metadata/UtMetadataMessageFuzzTestInputs/; with JAZZER_FUZZ=1 it fuzzes.
 */
class UtMetadataMessageFuzzTest {

    @FuzzTest(maxDuration = "60s")
    void decodingFailsOnlyWithWireExceptionAndRoundTrips(byte[] payload) throws WireException {
        UtMetadataMessage message;
        try {
            message = UtMetadataMessage.decode(payload);
        } catch (WireException expected) {
            return;
        }
        assertThat(UtMetadataMessage.decode(message.encode())).isEqualTo(message);
        if (message instanceof UtMetadataMessage.Data d) {
            assertThat(d.data().length).isLessThanOrEqualTo(UtMetadataMessage.PIECE_SIZE);
        }
    }
}
