package io.btget.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.btget.peer.Handshake;
import io.btget.peer.WireException;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;

/**
 * Fuzzes the BEP 3 handshake parsers: {@link Handshake#parse} on any bytes and {@link Handshake#read} on any
 * stream may only fail with {@link WireException} (or end of stream), and whatever they accept re-encodes to the
 * same 68 bytes. Seeds in src/test/resources/io/btget/hostile/HandshakeFuzzTestInputs/; with JAZZER_FUZZ=1 it
 * fuzzes for real.
 */
class HandshakeFuzzTest {
    @FuzzTest(maxDuration = "60s")
    void parsingFailsOnlyWithWireExceptionAndRoundTrips(byte[] input) throws IOException {
        try {
            Handshake h = Handshake.parse(input);
            assertThat(h.encode()).isEqualTo(input);
        } catch (WireException expected) {
            // rejected with a reason
        }
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(input));
        try {
            Handshake h = Handshake.read(in);
            assertThat(h.encode()).isEqualTo(java.util.Arrays.copyOf(input, Handshake.LENGTH));
        } catch (WireException | EOFException expected) {
            // rejected, or too short
        }
    }
}
