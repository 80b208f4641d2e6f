package io.btget.peer.ext.pex;

import static io.btget.peer.ext.pex.PexTestData.addr;
import static io.btget.peer.ext.pex.PexTestData.concat;
import static io.btget.peer.ext.pex.PexTestData.dict;
import static io.btget.peer.ext.pex.PexTestData.v4;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.btget.bencode.BInt;
import io.btget.peer.WireException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class PexMessageTest {
    @Test
    void decodesIpv4AndIpv6ContactsWithTheirFlags() throws Exception {
        byte[] six = new byte[18];
        six[15] = 1; // ::1
        six[16] = 0x1A;
        six[17] = (byte) 0xE1; // 6881
        byte[] payload = dict(
                "added", concat(v4(127, 0, 0, 1, 6881), v4(10, 0, 0, 2, 51413)),
                "added.f", new byte[] {PexPeer.SEED | PexPeer.CONNECTABLE, 0},
                "added6", six,
                "added6.f", new byte[] {PexPeer.UTP},
                "dropped", v4(192, 168, 1, 9, 1000),
                "dropped6", six);

        PexMessage m = PexMessage.decode(payload);

        assertThat(m.added()).containsExactly(
                new PexPeer(addr("127.0.0.1", 6881), PexPeer.SEED | PexPeer.CONNECTABLE),
                new PexPeer(addr("10.0.0.2", 51413), 0),
                new PexPeer(addr("::1", 6881), PexPeer.UTP));
        assertThat(m.added().get(0).isSeed()).isTrue();
        assertThat(m.added().get(0).isConnectable()).isTrue();
        assertThat(m.dropped()).containsExactly(addr("192.168.1.9", 1000), addr("::1", 6881));
    }

    @Test
    void encodesWhatItDecodesWithFlagsForEveryAddedList() throws Exception {
        PexMessage m = new PexMessage(
                List.of(new PexPeer(addr("127.0.0.1", 6881), PexPeer.SEED), PexPeer.of(addr("::1", 7000))),
                List.of(addr("127.0.0.2", 1)));

        byte[] encoded = m.encode();

        assertThat(new String(encoded, StandardCharsets.ISO_8859_1))
                .contains("5:added6:").contains("7:added.f1:").contains("8:added6.f1:").contains("7:dropped6:")
                .doesNotContain("8:dropped6");
        assertThat(PexMessage.decode(encoded)).isEqualTo(m);
    }

    @Test
    void ignoresAContactListWhoseLengthIsNotAMultipleOfTheEntrySize() throws Exception {
        byte[] payload = dict(
                "added", concat(v4(127, 0, 0, 1, 6881), new byte[] {1}), // 7 bytes
                "added.f", new byte[] {0},
                "added6", new byte[17],
                "dropped", new byte[5],
                "dropped6", new byte[19]);

        PexMessage m = PexMessage.decode(payload);

        assertThat(m.isEmpty()).isTrue();
    }

    @Test
    void keepsTheRestOfTheMessageWhenOneListIsMalformed() throws Exception {
        byte[] payload = dict("added", new byte[7], "dropped", v4(127, 0, 0, 1, 9));

        assertThat(PexMessage.decode(payload).dropped()).containsExactly(addr("127.0.0.1", 9));
    }

    @Test
    void ignoresFlagsWithoutEntries() throws Exception {
        byte[] payload = dict("added.f", new byte[] {2, 2, 2}, "added6.f", new byte[] {1});

        assertThat(PexMessage.decode(payload).isEmpty()).isTrue();
    }

    @Test
    void ignoresFlagsOfTheWrongLengthButKeepsTheContacts() throws Exception {
        byte[] payload = dict("added", concat(v4(127, 0, 0, 1, 1), v4(127, 0, 0, 1, 2)), "added.f", new byte[] {2});

        assertThat(PexMessage.decode(payload).added())
                .containsExactly(PexPeer.of(addr("127.0.0.1", 1)), PexPeer.of(addr("127.0.0.1", 2)));
    }

    @Test
    void ignoresListsOfTheWrongBencodeType() throws Exception {
        byte[] payload = dict("added", new BInt(5), "dropped", new BInt(-1));

        assertThat(PexMessage.decode(payload).isEmpty()).isTrue();
    }

    @Test
    void decodesAtMostTheBoundFromThousandsOfEntries() throws Exception {
        byte[] many = new byte[5000 * 6];
        for (int i = 0; i < 5000; i++) {
            System.arraycopy(v4(10, i >>> 8 & 0xFF, i & 0xFF, 1, 1000 + i), 0, many, i * 6, 6);
        }
        byte[] payload = dict("added", many, "added.f", new byte[5000], "dropped", many, "added6", new byte[100 * 18]);

        PexMessage m = PexMessage.decode(payload);

        assertThat(m.added()).hasSize(PexMessage.MAX_ADDED);
        assertThat(m.dropped()).hasSize(PexMessage.MAX_DROPPED);
        assertThat(m.added().get(0).address()).isEqualTo(addr("10.0.0.1", 1000));
    }

    @Test
    void refusesAPayloadOverTheSizeLimit() {
        byte[] payload = dict("added6", new byte[10_000 * 18]);

        assertThatThrownBy(() -> PexMessage.decode(payload))
                .isInstanceOf(WireException.class)
                .hasMessageContaining("exceeds the limit of " + PexMessage.MAX_PAYLOAD_BYTES);
    }

    @Test
    void refusesAPayloadThatIsNotABencodedDictionary() {
        assertThatThrownBy(() -> PexMessage.decode("le".getBytes(StandardCharsets.US_ASCII)))
                .isInstanceOf(WireException.class).hasMessageContaining("not a dictionary");
        assertThatThrownBy(() -> PexMessage.decode("d5:added".getBytes(StandardCharsets.US_ASCII)))
                .isInstanceOf(WireException.class).hasMessageContaining("not valid bencode");
        assertThatThrownBy(() -> PexMessage.decode(new byte[0]))
                .isInstanceOf(WireException.class);
    }

    @Test
    void keepsPortZeroAndOddAddressesForTheReceiverToJudge() throws Exception {
        byte[] payload = dict("added", concat(v4(127, 0, 0, 1, 0), v4(255, 255, 255, 255, 1), v4(224, 0, 0, 1, 1)));

        List<InetSocketAddress> decoded = PexMessage.decode(payload).added().stream().map(PexPeer::address).toList();

        assertThat(decoded).containsExactly(addr("127.0.0.1", 0), addr("255.255.255.255", 1), addr("224.0.0.1", 1));
    }
}
