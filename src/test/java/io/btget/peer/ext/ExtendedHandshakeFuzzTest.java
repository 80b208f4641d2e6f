package io.btget.peer.ext;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.btget.peer.WireException;

/**
 * Fuzzes the BEP 10 extended handshake decoder. In a normal test run this replays the seeds in
 * src/test/resources/io/btget/peer/ext/ExtendedHandshakeFuzzTestInputs/; with JAZZER_FUZZ=1 it fuzzes for real.
 */
class ExtendedHandshakeFuzzTest {
    @FuzzTest(maxDuration = "60s")
    void decodingFailsOnlyWithWireExceptionAndWhatItKeepsRoundTrips(byte[] payload) throws WireException {
        ExtendedHandshake handshake;
        try {
            handshake = ExtendedHandshake.decode(payload);
        } catch (WireException expected) {
            assertThat(expected.getMessage()).startsWith("extended handshake: ").doesNotContain("\n");
            return;
        }
        // Whatever survived validation is within the documented bounds ...
        assertThat(handshake.m().values()).allMatch(id -> id >= 1 && id <= ExtendedHandshake.MAX_EXTENSION_ID)
                .doesNotHaveDuplicates();
        handshake.p().ifPresent(p -> assertThat(p).isBetween(1, 65535));
        handshake.reqq().ifPresent(n -> assertThat(n).isBetween(1, ExtendedHandshake.MAX_REQQ));
        handshake.v().ifPresent(v -> assertThat(v.codePointCount(0, v.length()))
                .isBetween(1, ExtendedHandshake.MAX_CLIENT_NAME_LENGTH));
        handshake.metadataSize().ifPresent(n -> assertThat(n).isBetween(1L, ExtendedHandshake.MAX_METADATA_SIZE));
        handshake.yourip().ifPresent(a -> assertThat(a.getAddress().length).isIn(4, 16));
        // ... and encodes to a handshake that reads back as the same thing.
        assertThat(ExtendedHandshake.decode(handshake.encode())).isEqualTo(handshake);
    }
}
