package io.btget.peer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PeerIdTest {
    private static PeerId id(String text) {
        return new PeerId(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void generatesOurPrefixAndTwelvePrintableRandomCharacters() {
        PeerId id = PeerId.generate(new Random(5));
        String text = new String(id.bytes(), StandardCharsets.US_ASCII);
        assertThat(text).startsWith("-BG0100-").hasSize(20).matches("-BG0100-[0-9a-zA-Z]{12}");
        assertThat(PeerId.generate(new Random(6))).isNotEqualTo(id);
        assertThat(PeerId.generate(new Random(5))).isEqualTo(id);
    }

    @Test
    void recognisesCommonClients() {
        assertThat(id("-LT2080-abcdefghijkl").clientDescription()).isEqualTo("libtorrent 2.0.8");
        assertThat(id("-qB4520-abcdefghijkl").clientDescription()).isEqualTo("qBittorrent 4.5.2");
        assertThat(id("-TR3000-abcdefghijkl").clientDescription()).isEqualTo("Transmission 3.00");
        assertThat(id("A2-1-36-0-abcdefghij").clientDescription()).isEqualTo("aria2 1.36.0");
        assertThat(id("M7-4-3--abcdefghijkl").clientDescription()).isEqualTo("Mainline 7.4.3");
    }

    @Test
    void printsUnknownAndBinaryIdsSafely() {
        byte[] bytes = new byte[20];
        bytes[0] = 'x';
        bytes[1] = (byte) 0xff;
        bytes[2] = '\n';
        PeerId id = new PeerId(bytes);
        assertThat(id.toString()).startsWith("x\\xff\\x0a\\x00").doesNotContain("\n");
        assertThat(id.clientDescription()).isEqualTo(id.toString());
    }

    @Test
    void rejectsIdsThatAreNotTwentyBytes() {
        assertThatThrownBy(() -> new PeerId(new byte[19])).isInstanceOf(IllegalArgumentException.class);
    }
}
