package io.btget.peer;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;

/**
 * Fuzzes the wire decoder with a small torrent (10 pieces of 32 KiB + 1000 bytes) and without metadata. In a
 * normal test run this replays the seeds in src/test/resources/io/btget/peer/WireCodecFuzzTestInputs/; with
 * JAZZER_FUZZ=1 it fuzzes for real.
 */
class WireCodecFuzzTest {
    private static final WireCodec CODEC = new WireCodec(10, piece -> piece == 9 ? 1000 : 32 * 1024);

    @FuzzTest(maxDuration = "60s")
    void decodingFailsOnlyWithWireOrEndOfStreamAndRoundTrips(byte[] input) throws IOException {
        for (WireCodec codec : new WireCodec[] {CODEC, WireCodec.withoutMetadata()}) {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(input));
            // Read messages until the input runs out: every one must re-encode to exactly the bytes it came from.
            int consumed = 0;
            while (true) {
                Message message;
                try {
                    message = codec.read(in);
                } catch (WireException | EOFException expected) {
                    break;
                }
                byte[] encoded = WireCodec.encode(message);
                int after = input.length - in.available();
                assertThat(encoded).isEqualTo(java.util.Arrays.copyOfRange(input, consumed, after));
                DataInputStream again = new DataInputStream(new ByteArrayInputStream(encoded));
                assertThat(codec.read(again)).isEqualTo(message);
                consumed = after;
            }
        }
    }
}
