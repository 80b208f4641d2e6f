package io.btget.peer.ext.metadata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.btget.peer.WireException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class UtMetadataMessageTest {

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(a);
        out.writeBytes(b);
        return out.toByteArray();
    }

    private static void refused(byte[] payload, String message) {
        assertThatThrownBy(() -> UtMetadataMessage.decode(payload))
                .isInstanceOf(WireException.class)
                .hasMessageContaining(message);
    }

    @Test
    void encodesTheBep9Examples() {
        assertThat(new UtMetadataMessage.Request(0).encode()).isEqualTo(ascii("d8:msg_typei0e5:piecei0ee"));
        assertThat(new UtMetadataMessage.Reject(0).encode()).isEqualTo(ascii("d8:msg_typei2e5:piecei0ee"));
        assertThat(new UtMetadataMessage.Data(0, 3, ascii("abc")).encode())
                .isEqualTo(ascii("d8:msg_typei1e5:piecei0e10:total_sizei3eeabc"));
    }

    @Test
    void decodesWhatItEncodes() throws WireException {
        byte[] full = new byte[UtMetadataMessage.PIECE_SIZE];
        Arrays.fill(full, (byte) 7);
        UtMetadataMessage[] all = {new UtMetadataMessage.Request(5), new UtMetadataMessage.Reject(2047),
                new UtMetadataMessage.Data(0, 20000, full), new UtMetadataMessage.Data(1, 20000, new byte[20000 - 16384]),
                new UtMetadataMessage.Unknown(3, 0)};
        for (UtMetadataMessage m : all) {
            assertThat(UtMetadataMessage.decode(m.encode())).isEqualTo(m);
        }
    }

    @Test
    void toleratesHeaderKeysOutOfOrderAndExtraKeys() throws WireException {
        assertThat(UtMetadataMessage.decode(ascii("d5:piecei1e8:msg_typei0e3:zzzi9ee")))
                .isEqualTo(new UtMetadataMessage.Request(1));
    }

    @Test
    void unknownMsgTypeIsNotAnErrorBep9SaysIgnoreIt() throws WireException {
        assertThat(UtMetadataMessage.decode(ascii("d8:msg_typei7e5:piecei0ee")))
                .isEqualTo(new UtMetadataMessage.Unknown(7, 0));
    }

    @Test
    void refusesMalformedHeaders() {
        refused(ascii(""), "bencode");
        refused(ascii("le"), "not a dictionary");
        refused(ascii("d5:piecei0ee"), "msg_type is missing");
        refused(ascii("d8:msg_typei0ee"), "piece is missing");
        refused(ascii("d8:msg_type1:05:piecei0ee"), "msg_type is a string");
        refused(ascii("d8:msg_typei0e5:piece1:0e"), "piece is a string");
        refused(ascii("d8:msg_typei0e5:piecei0e"), "bencode");
        refused(ascii("d8:msg_typei0e5:piecei0e5:piecei1ee"), "duplicate");
    }

    @Test
    void refusesPieceIndexesOutOfRange() {
        refused(ascii("d8:msg_typei0e5:piecei-1ee"), "piece -1");
        refused(ascii("d8:msg_typei0e5:piecei2048ee"), "piece 2048");
        refused(ascii("d8:msg_typei0e5:piecei2147483648ee"), "piece 2147483648");
    }

    @Test
    void refusesTotalSizeZeroNegativeTwoTo31AndOverTheCap() {
        for (long size : new long[] {0, -1, 1L << 31, MetadataFetch.MAX_METADATA_SIZE + 1, Long.MAX_VALUE}) {
            refused(ascii("d8:msg_typei1e5:piecei0e10:total_sizei" + size + "ee"), "total_size " + size);
        }
        refused(ascii("d8:msg_typei1e5:piecei0ee"), "total_size is missing");
    }

    @Test
    void refusesDataWhoseLengthDisagreesWithTotalSize() {
        byte[] header = ascii("d8:msg_typei1e5:piecei0e10:total_sizei20000ee");
        refused(concat(header, new byte[100]), "carries 100 bytes");
        byte[] last = ascii("d8:msg_typei1e5:piecei1e10:total_sizei20000ee");
        refused(concat(last, new byte[16384]), "carries 16384 bytes");
        refused(ascii("d8:msg_typei1e5:piecei2e10:total_sizei20000ee"), "past total_size");
    }

    @Test
    void refusesBytesAfterARequestOrReject() {
        refused(ascii("d8:msg_typei0e5:piecei0eeX"), "1 bytes after");
        refused(ascii("d8:msg_typei2e5:piecei0eeXY"), "2 bytes after");
    }

    @Test
    void refusesOversizedPayloadsAndHeaders() {
        refused(new byte[UtMetadataMessage.MAX_PAYLOAD + 1], "exceeds");
        byte[] bigHeader = ascii("d8:msg_typei0e5:piecei0e3:pad2000:" + "x".repeat(2000) + "e");
        refused(bigHeader, "header of");
    }

    @Test
    void dataKeepsItsOwnCopy() {
        byte[] bytes = ascii("abc");
        UtMetadataMessage.Data d = new UtMetadataMessage.Data(0, 3, bytes);
        bytes[0] = 'x';
        d.data()[1] = 'x';
        assertThat(d.data()).isEqualTo(ascii("abc"));
    }
}
