package io.btget.peer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.btget.metainfo.InfoHash;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class HandshakeTest {
    private static final InfoHash HASH = InfoHash.fromHex("0123456789abcdef0123456789abcdef01234567");
    private static final PeerId ID = new PeerId("-TR3000-abcdefghijkl".getBytes(StandardCharsets.US_ASCII));

    private static DataInputStream stream(byte[] bytes) {
        return new DataInputStream(new ByteArrayInputStream(bytes));
    }

    @Test
    void encodesTheSixtyEightByteLayout() {
        byte[] bytes = Handshake.ours(HASH, ID, true).encode();
        assertThat(bytes).hasSize(68);
        assertThat(bytes[0]).isEqualTo((byte) 19);
        assertThat(new String(bytes, 1, 19, StandardCharsets.US_ASCII)).isEqualTo("BitTorrent protocol");
        assertThat(Arrays.copyOfRange(bytes, 20, 28)).containsExactly(0, 0, 0, 0, 0, 0x10, 0, 0);
        assertThat(Arrays.copyOfRange(bytes, 28, 48)).isEqualTo(HASH.bytes());
        assertThat(Arrays.copyOfRange(bytes, 48, 68)).isEqualTo(ID.bytes());
    }

    @Test
    void parsesAndReadsWhatItEncodes() throws Exception {
        Handshake handshake = Handshake.ours(HASH, ID, false);
        assertThat(Handshake.parse(handshake.encode())).isEqualTo(handshake);
        assertThat(Handshake.read(stream(handshake.encode()))).isEqualTo(handshake);
    }

    @Test
    void readsTheInfoHashBeforeThePeerId() throws Exception {
        byte[] bytes = Handshake.ours(HASH, ID, true).encode();
        DataInputStream in = stream(Arrays.copyOf(bytes, Handshake.LENGTH_BEFORE_PEER_ID));
        Handshake.Start start = Handshake.readStart(in);
        assertThat(start.infoHash()).isEqualTo(HASH);
        assertThatThrownBy(() -> Handshake.readPeerId(in)).isInstanceOf(EOFException.class);
    }

    @Test
    void readsReservedFeatureBits() throws Exception {
        byte[] bytes = Handshake.ours(HASH, ID, false).encode();
        assertThat(Handshake.parse(bytes).supportsExtensionProtocol()).isFalse();
        bytes[20 + 5] = 0x10;
        bytes[20 + 7] = 0x05;
        Handshake handshake = Handshake.parse(bytes);
        assertThat(handshake.supportsExtensionProtocol()).isTrue();
        assertThat(handshake.supportsFastExtension()).isTrue();
        assertThat(handshake.supportsDht()).isTrue();
        assertThat(Handshake.ours(HASH, ID, true).supportsFastExtension()).isFalse();
    }

    @Test
    void theDhtBitIsByteSevenBitOneAndOnlyWhenAsked() throws Exception {
        byte[] with = Handshake.ours(HASH, ID, Handshake.Features.ALL.withDht(true)).encode();
        assertThat(with[20 + 7]).isEqualTo((byte) 0x05); // BEP 5 0x01 with BEP 6 Fast 0x04
        assertThat(Handshake.parse(with).supportsDht()).isTrue();
        byte[] without = Handshake.ours(HASH, ID, Handshake.Features.ALL).encode();
        assertThat(without[20 + 7]).isEqualTo((byte) 0x04);
        assertThat(Handshake.parse(without).supportsDht()).isFalse();
    }

    @Test
    void refusesAnotherProtocolAtTheFirstByte() {
        // an encrypted (BEP 8 MSE) peer starts with random bytes; no need to wait for 67 more
        DataInputStream in = stream(new byte[] {(byte) 0xa7});
        assertThatThrownBy(() -> Handshake.readStart(in)).isInstanceOf(WireException.class)
                .hasMessageContaining("protocol name length 167");
    }

    @Test
    void refusesAWrongProtocolName() {
        byte[] bytes = Handshake.ours(HASH, ID, true).encode();
        bytes[5] = 'X';
        assertThatThrownBy(() -> Handshake.parse(bytes)).isInstanceOf(WireException.class)
                .hasMessageContaining("not \"BitTorrent protocol\"");
        assertThatThrownBy(() -> Handshake.read(stream(bytes))).isInstanceOf(WireException.class);
    }

    @Test
    void refusesTheWrongNumberOfBytes() {
        assertThatThrownBy(() -> Handshake.parse(new byte[67])).isInstanceOf(WireException.class)
                .hasMessage("handshake: 67 bytes, expected 68");
    }

    @Test
    void describesTheRemoteClientForLogs() {
        assertThat(Handshake.ours(HASH, ID, true).clientDescription())
                .isEqualTo("Transmission 3.00 (-TR3000-abcdefghijkl)");
        PeerId ours = PeerId.generate(new Random(1));
        assertThat(Handshake.ours(HASH, ours, true).clientDescription()).startsWith("btget 0.1 (-BG0100-");
    }
}
