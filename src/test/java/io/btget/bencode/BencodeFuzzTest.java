package io.btget.bencode;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzzes the decoder. In a normal test run this replays the committed seeds in
 * src/test/resources/io/btget/bencode/BencodeFuzzTestInputs/ as a regression test; with JAZZER_FUZZ=1 it fuzzes
 * for real (see README, "Fuzzing").
 */
class BencodeFuzzTest {
    private static final BencodeLimits SMALL = new BencodeLimits(1 << 20, 32, 10_000);

    @FuzzTest(maxDuration = "60s")
    void decodeNeverFailsUnexpectedly(byte[] input) {
        BValue value;
        try {
            value = Bencode.decode(input, SMALL);
        } catch (BencodeException expected) {
            return;
        }
        // Whatever decodes must span the whole input and re-encode to something that decodes to an equal value.
        assertThat(value.start()).isZero();
        assertThat(value.end()).isEqualTo(input.length);
        byte[] reencoded = Bencode.encode(value);
        assertThat(Bencode.encode(Bencode.decode(reencoded, SMALL))).isEqualTo(reencoded);
    }
}
