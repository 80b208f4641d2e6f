package io.btget.peer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class WireCodecTest {
    private static final int PIECE_LENGTH = 4 * WireLimits.BLOCK_SIZE;
    private static final int LAST_PIECE_LENGTH = 1000;
    /** 10 pieces: bitfields are 2 bytes with 6 spare bits. */
    private final WireCodec codec = new WireCodec(10, p -> p == 9 ? LAST_PIECE_LENGTH : PIECE_LENGTH);

    private static byte[] hex(String hex) {
        return HexFormat.of().parseHex(hex.replace(" ", ""));
    }

    private Message decode(byte[] bytes) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
        Message message = codec.read(in);
        assertThat(in.available()).as("bytes left after one message").isZero();
        return message;
    }

    private static byte[] frame(int id, byte[] payload) {
        return ByteBuffer.allocate(5 + payload.length).putInt(1 + payload.length).put((byte) id).put(payload).array();
    }

    @Test
    void encodesEachMessageAsBep3Specifies() {
        assertThat(WireCodec.encode(Message.KEEP_ALIVE)).isEqualTo(hex("00000000"));
        assertThat(WireCodec.encode(Message.CHOKE)).isEqualTo(hex("00000001 00"));
        assertThat(WireCodec.encode(Message.UNCHOKE)).isEqualTo(hex("00000001 01"));
        assertThat(WireCodec.encode(Message.INTERESTED)).isEqualTo(hex("00000001 02"));
        assertThat(WireCodec.encode(Message.NOT_INTERESTED)).isEqualTo(hex("00000001 03"));
        assertThat(WireCodec.encode(new Message.Have(258))).isEqualTo(hex("00000005 04 00000102"));
        assertThat(WireCodec.encode(new Message.BitfieldMessage(hex("ffc0")))).isEqualTo(hex("00000003 05 ffc0"));
        assertThat(WireCodec.encode(new Message.Request(1, 16384, 16384)))
                .isEqualTo(hex("0000000d 06 00000001 00004000 00004000"));
        assertThat(WireCodec.encode(new Message.Piece(2, 0, hex("abcd"))))
                .isEqualTo(hex("0000000b 07 00000002 00000000 abcd"));
        assertThat(WireCodec.encode(new Message.Cancel(1, 0, 16384)))
                .isEqualTo(hex("0000000d 08 00000001 00000000 00004000"));
        assertThat(WireCodec.encode(new Message.Port(6881))).isEqualTo(hex("00000003 09 1ae1"));
        assertThat(WireCodec.encode(new Message.Extended(0, hex("6465")))).isEqualTo(hex("00000004 14 00 6465"));
    }

    @Test
    void decodesWhatItEncodes() throws IOException {
        List<Message> messages = List.of(Message.KEEP_ALIVE, Message.CHOKE, Message.UNCHOKE, Message.INTERESTED,
                Message.NOT_INTERESTED, new Message.Have(9), new Message.BitfieldMessage(hex("ffc0")),
                new Message.Request(0, 0, 16384), new Message.Request(3, 0, WireLimits.MAX_REQUEST / 2),
                new Message.Piece(9, 0, new byte[LAST_PIECE_LENGTH]), new Message.Cancel(9, 500, 500),
                new Message.Port(65535), new Message.Extended(3, hex("00ff")), new Message.Unknown(99, hex("00000001")),
                new Message.Unknown(21, new byte[0]), new Message.SuggestPiece(9), Message.HAVE_ALL, Message.HAVE_NONE,
                new Message.RejectRequest(9, 0, LAST_PIECE_LENGTH), new Message.RejectRequest(0, 16384, 16384),
                new Message.AllowedFast(0));
        for (Message message : messages) {
            assertThat(decode(WireCodec.encode(message))).as(message.toString()).isEqualTo(message);
        }
    }

    @Test
    void readsAStreamOfMessagesOneAtATime() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        WireCodec.write(Message.INTERESTED, out);
        WireCodec.write(new Message.Have(1), out);
        WireCodec.write(Message.KEEP_ALIVE, out);
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()));
        assertThat(codec.read(in)).isEqualTo(Message.INTERESTED);
        assertThat(codec.read(in)).isEqualTo(new Message.Have(1));
        assertThat(codec.read(in)).isEqualTo(Message.KEEP_ALIVE);
        assertThatThrownBy(() -> codec.read(in)).isInstanceOf(EOFException.class);
    }

    @Test
    void readsBlockDataStraightIntoTheDestinationBuffer() throws IOException {
        byte[] block = new byte[WireLimits.BLOCK_SIZE];
        block[0] = 7;
        block[block.length - 1] = 9;
        byte[] pieceBuffer = new byte[PIECE_LENGTH];
        DataInputStream in = new DataInputStream(
                new ByteArrayInputStream(WireCodec.encode(new Message.Piece(3, WireLimits.BLOCK_SIZE, block))));
        Message.Piece piece = (Message.Piece) codec.read(in, (index, offset, length) -> {
            assertThat(index).isEqualTo(3);
            assertThat(length).isEqualTo(WireLimits.BLOCK_SIZE);
            return pieceBuffer;
        });
        assertThat(piece.buffer()).isSameAs(pieceBuffer);
        assertThat(piece.bufferOffset()).isEqualTo(WireLimits.BLOCK_SIZE);
        assertThat(pieceBuffer[WireLimits.BLOCK_SIZE]).isEqualTo((byte) 7);
        assertThat(pieceBuffer[2 * WireLimits.BLOCK_SIZE - 1]).isEqualTo((byte) 9);
        assertThat(piece.data()).isEqualTo(block);
    }

    @Test
    void writesASliceOfALargerBufferWithoutItsSurroundings() {
        byte[] buffer = hex("0102030405");
        assertThat(WireCodec.encode(new Message.Piece(0, 8, buffer, 1, 3)))
                .isEqualTo(hex("0000000c 07 00000000 00000008 020304"));
    }

    @Test
    void rejectsALengthPrefixOverTheLimitBeforeAllocating() {
        assertThatThrownBy(() -> decode(hex("7fffffff 14")))
                .isInstanceOf(WireException.class).hasMessageContaining("exceeds limit");
        assertThatThrownBy(() -> decode(hex("ffffffff 07")))
                .isInstanceOf(WireException.class).hasMessageContaining("4294967295");
    }

    @Test
    void rejectsFixedSizeMessagesOfAnyOtherSize() {
        assertThatThrownBy(() -> decode(hex("00000002 00 00"))).isInstanceOf(WireException.class)
                .hasMessage("wire: message id 0 has 1 payload bytes, expected 0");
        assertThatThrownBy(() -> decode(frame(4, new byte[5]))).isInstanceOf(WireException.class);
        assertThatThrownBy(() -> decode(frame(6, new byte[11]))).isInstanceOf(WireException.class);
        assertThatThrownBy(() -> decode(frame(8, new byte[13]))).isInstanceOf(WireException.class);
        assertThatThrownBy(() -> decode(frame(9, new byte[3]))).isInstanceOf(WireException.class);
    }

    @Test
    void rejectsPieceIndexesOutsideTheTorrent() {
        assertThatThrownBy(() -> decode(WireCodec.encode(new Message.Have(10))))
                .isInstanceOf(WireException.class).hasMessage("wire: have for piece 10 outside 0..9");
        assertThatThrownBy(() -> decode(hex("00000005 04 ffffffff")))
                .isInstanceOf(WireException.class).hasMessageContaining("4294967295");
        assertThatThrownBy(() -> decode(WireCodec.encode(new Message.Request(10, 0, 16384))))
                .isInstanceOf(WireException.class);
    }

    @Test
    void rejectsBlocksThatRunPastTheEndOfThePiece() {
        assertThatThrownBy(() -> decode(WireCodec.encode(new Message.Request(9, 0, LAST_PIECE_LENGTH + 1))))
                .isInstanceOf(WireException.class).hasMessageContaining("outside piece 9 of 1000 bytes");
        assertThatThrownBy(() -> decode(WireCodec.encode(new Message.Cancel(0, PIECE_LENGTH, 1))))
                .isInstanceOf(WireException.class);
        assertThatThrownBy(() -> decode(WireCodec.encode(new Message.Piece(9, 999, new byte[2]))))
                .isInstanceOf(WireException.class);
        assertThatThrownBy(() -> decode(hex("0000000d 06 00000000 ffffffff 00000001")))
                .isInstanceOf(WireException.class);
    }

    @Test
    void acceptsRequestsUpTo128KiBWhenServingButNoMore() throws IOException {
        WireCodec bigPieces = new WireCodec(1, p -> 1 << 20);
        Message.Request largest = new Message.Request(0, 0, WireLimits.MAX_REQUEST);
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(WireCodec.encode(largest)));
        assertThat(bigPieces.read(in)).isEqualTo(largest);
        DataInputStream tooBig = new DataInputStream(new ByteArrayInputStream(
                WireCodec.encode(new Message.Request(0, 0, WireLimits.MAX_REQUEST + 1))));
        assertThatThrownBy(() -> bigPieces.read(tooBig)).isInstanceOf(WireException.class)
                .hasMessageContaining("expected 1..131072");
        assertThatThrownBy(() -> decode(hex("0000000d 06 00000000 00000000 00000000")))
                .as("zero-length request").isInstanceOf(WireException.class);
    }

    @Test
    void rejectsPieceBlocksLargerThanWeEverRequest() {
        WireCodec bigPieces = new WireCodec(1, p -> 1 << 20);
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(
                WireCodec.encode(new Message.Piece(0, 0, new byte[WireLimits.BLOCK_SIZE + 1]))));
        assertThatThrownBy(() -> bigPieces.read(in)).isInstanceOf(WireException.class)
                .hasMessageContaining("piece message payload");
        assertThatThrownBy(() -> decode(hex("00000009 07 00000000 00000000"))).as("empty block")
                .isInstanceOf(WireException.class);
    }

    @Test
    void rejectsBitfieldsOfTheWrongLengthOrWithSpareBitsSet() {
        assertThatThrownBy(() -> decode(frame(5, hex("ff")))).isInstanceOf(WireException.class)
                .hasMessage("wire: bitfield of 1 bytes, expected 2 for 10 pieces");
        assertThatThrownBy(() -> decode(frame(5, hex("ffc000")))).isInstanceOf(WireException.class);
        assertThatThrownBy(() -> decode(frame(5, hex("ffe0")))).isInstanceOf(WireException.class)
                .hasMessageContaining("spare bit");
    }

    @Test
    void rejectsOversizedExtendedAndUnknownMessages() {
        assertThatThrownBy(() -> decode(hex("00000001 14"))).isInstanceOf(WireException.class)
                .hasMessageContaining("extended message payload of 0 bytes");
        assertThatThrownBy(() -> decode(ByteBuffer.allocate(5).putInt(WireLimits.MAX_UNKNOWN_PAYLOAD + 2)
                .put((byte) 99).array())).isInstanceOf(WireException.class).hasMessageContaining("id 99");
    }

    @Test
    void reportsATruncatedMessageAsEndOfStream() {
        assertThatThrownBy(() -> decode(hex("0000000d 06 0000"))).isInstanceOf(EOFException.class);
        assertThatThrownBy(() -> decode(hex("000000"))).isInstanceOf(EOFException.class);
    }

    @Test
    void beforeMetadataAcceptsBitfieldsAndHavesButNoBlocks() throws IOException {
        WireCodec noMetadata = WireCodec.withoutMetadata();
        byte[] bits = new byte[300];
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(
                WireCodec.encode(new Message.BitfieldMessage(bits))));
        assertThat(noMetadata.read(in)).isEqualTo(new Message.BitfieldMessage(bits));
        DataInputStream have = new DataInputStream(new ByteArrayInputStream(
                WireCodec.encode(new Message.Have(123_456))));
        assertThat(noMetadata.read(have)).isEqualTo(new Message.Have(123_456));
        DataInputStream request = new DataInputStream(new ByteArrayInputStream(
                WireCodec.encode(new Message.Request(0, 0, 1))));
        assertThatThrownBy(() -> noMetadata.read(request)).isInstanceOf(WireException.class)
                .hasMessageContaining("before the torrent's metadata");
    }

    @Test
    void encodesTheFastExtensionMessagesAsBep6Specifies() {
        assertThat(WireCodec.encode(new Message.SuggestPiece(258))).isEqualTo(hex("00000005 0d 00000102"));
        assertThat(WireCodec.encode(Message.HAVE_ALL)).isEqualTo(hex("00000001 0e"));
        assertThat(WireCodec.encode(Message.HAVE_NONE)).isEqualTo(hex("00000001 0f"));
        assertThat(WireCodec.encode(new Message.RejectRequest(1, 16384, 16384)))
                .isEqualTo(hex("0000000d 10 00000001 00004000 00004000"));
        assertThat(WireCodec.encode(new Message.AllowedFast(7))).isEqualTo(hex("00000005 11 00000007"));
    }

    @Test
    void decodesTheFastExtensionMessagesFromTheirBep6Bytes() throws IOException {
        assertThat(decode(hex("00000005 0d 00000003"))).isEqualTo(new Message.SuggestPiece(3));
        assertThat(decode(hex("00000001 0e"))).isSameAs(Message.HAVE_ALL);
        assertThat(decode(hex("00000001 0f"))).isSameAs(Message.HAVE_NONE);
        assertThat(decode(hex("0000000d 10 00000002 00004000 00004000")))
                .isEqualTo(new Message.RejectRequest(2, 16384, 16384));
        assertThat(decode(hex("00000005 11 00000009"))).isEqualTo(new Message.AllowedFast(9));
    }

    @Test
    void rejectsFastExtensionMessagesOfAnyOtherSize() {
        assertThatThrownBy(() -> decode(frame(0x0d, new byte[3]))).isInstanceOf(WireException.class)
                .hasMessage("wire: message id 13 has 3 payload bytes, expected 4");
        assertThatThrownBy(() -> decode(frame(0x0d, new byte[5]))).isInstanceOf(WireException.class);
        assertThatThrownBy(() -> decode(frame(0x0e, new byte[1]))).isInstanceOf(WireException.class)
                .hasMessage("wire: message id 14 has 1 payload bytes, expected 0");
        assertThatThrownBy(() -> decode(frame(0x0f, new byte[4]))).isInstanceOf(WireException.class);
        assertThatThrownBy(() -> decode(frame(0x10, new byte[11]))).isInstanceOf(WireException.class);
        assertThatThrownBy(() -> decode(frame(0x10, new byte[13]))).isInstanceOf(WireException.class);
        assertThatThrownBy(() -> decode(frame(0x11, new byte[0]))).isInstanceOf(WireException.class);
        assertThatThrownBy(() -> decode(frame(0x11, new byte[8]))).isInstanceOf(WireException.class);
    }

    @Test
    void rejectsFastExtensionMessagesForPiecesOutsideTheTorrent() {
        assertThatThrownBy(() -> decode(WireCodec.encode(new Message.SuggestPiece(10))))
                .isInstanceOf(WireException.class).hasMessage("wire: suggest piece for piece 10 outside 0..9");
        assertThatThrownBy(() -> decode(WireCodec.encode(new Message.AllowedFast(10))))
                .isInstanceOf(WireException.class).hasMessage("wire: allowed fast for piece 10 outside 0..9");
        assertThatThrownBy(() -> decode(hex("00000005 11 ffffffff")))
                .isInstanceOf(WireException.class).hasMessageContaining("4294967295");
        assertThatThrownBy(() -> decode(WireCodec.encode(new Message.RejectRequest(10, 0, 16384))))
                .isInstanceOf(WireException.class).hasMessageContaining("reject request for piece 10");
        assertThatThrownBy(() -> decode(WireCodec.encode(new Message.RejectRequest(9, 0, LAST_PIECE_LENGTH + 1))))
                .isInstanceOf(WireException.class).hasMessageContaining("outside piece 9 of 1000 bytes");
        assertThatThrownBy(() -> decode(hex("0000000d 10 00000000 00000000 00000000")))
                .as("zero-length reject").isInstanceOf(WireException.class);
        assertThatThrownBy(() -> decode(hex("0000000d 10 00000000 00000000 ffffffff")))
                .isInstanceOf(WireException.class);
    }

    @Test
    void beforeMetadataAcceptsSuggestAndAllowedFastForAnyPieceButNoReject() throws IOException {
        WireCodec noMetadata = WireCodec.withoutMetadata();
        for (Message message : List.of(new Message.SuggestPiece(5_000_000), new Message.AllowedFast(5_000_000),
                Message.HAVE_ALL, Message.HAVE_NONE)) {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(WireCodec.encode(message)));
            assertThat(noMetadata.read(in)).isEqualTo(message);
        }
        DataInputStream negative = new DataInputStream(new ByteArrayInputStream(hex("00000005 0d 80000000")));
        assertThatThrownBy(() -> noMetadata.read(negative)).isInstanceOf(WireException.class);
        DataInputStream reject = new DataInputStream(new ByteArrayInputStream(
                WireCodec.encode(new Message.RejectRequest(0, 0, 16384))));
        assertThatThrownBy(() -> noMetadata.read(reject)).isInstanceOf(WireException.class)
                .hasMessageContaining("before the torrent's metadata");
    }

    @Test
    void unknownRefusesTheIdsOfMessagesWeImplement() {
        for (int id : new int[] {0, 4, 9, 13, 17, 20}) {
            assertThatThrownBy(() -> new Message.Unknown(id, new byte[0])).isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(new Message.Unknown(12, new byte[0]).id()).isEqualTo(12);
        assertThat(new Message.Unknown(18, new byte[0]).id()).isEqualTo(18);
    }

    @Test
    void boundsTheExtendedPayload() throws IOException {
        byte[] largest = new byte[WireLimits.MAX_EXTENDED_PAYLOAD];
        assertThat(decode(WireCodec.encode(new Message.Extended(1, largest))))
                .isEqualTo(new Message.Extended(1, largest));
        assertThatThrownBy(() -> decode(ByteBuffer.allocate(6).putInt(WireLimits.MAX_EXTENDED_PAYLOAD + 3)
                .put((byte) 20).put((byte) 1).array())).isInstanceOf(WireException.class);
    }
}
