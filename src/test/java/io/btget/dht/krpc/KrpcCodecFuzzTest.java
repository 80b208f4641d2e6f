package io.btget.dht.krpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.net.InetSocketAddress;

/**
 * Fuzzes the KRPC decoder (BEP 5) with any datagram. In a normal test run this replays the seeds in
 * src/test/resources/io/btget/dht/krpc/KrpcCodecFuzzTestInputs/ (BEP 5's examples, packets libtorrent 2.0.8 sent,
 * hostile variants); with JAZZER_FUZZ=1 it fuzzes for real.
 */
class KrpcCodecFuzzTest {
    @FuzzTest(maxDuration = "60s")
    void decodingFailsOnlyWithKrpcExceptionStaysBoundedAndRoundTrips(byte[] input) throws KrpcException {
        KrpcMessage message;
        try {
            message = KrpcCodec.decode(input, input.length);
        } catch (KrpcException e) {
            assertThat(e.getMessage()).doesNotContain("\n");
            if (e.wasQuery()) {
                assertThat(e.code()).isIn(KrpcException.PROTOCOL, KrpcException.METHOD_UNKNOWN);
                assertThat(KrpcCodec.errorReply(e)).isPresent();
            } else {
                assertThat(KrpcCodec.errorReply(e)).isEmpty();
            }
            e.transactionId().ifPresent(t -> assertThat(t).hasSizeBetween(1, KrpcCodec.MAX_TRANSACTION_ID));
            return;
        }
        assertThat(message.transactionId()).hasSizeBetween(1, KrpcCodec.MAX_TRANSACTION_ID);
        if (message instanceof KrpcMessage.Response r) {
            assertThat(r.nodes()).hasSizeLessThanOrEqualTo(KrpcCodec.MAX_NODES);
            assertThat(r.nodes6()).hasSizeLessThanOrEqualTo(KrpcCodec.MAX_NODES);
            assertThat(r.values()).hasSizeLessThanOrEqualTo(KrpcCodec.MAX_VALUES)
                    .allSatisfy(peer -> assertThat(peer.getPort()).isNotZero());
            assertThat(r.nodes()).extracting(NodeInfo::address).extracting(InetSocketAddress::getPort)
                    .doesNotContain(0);
            r.token().ifPresent(t -> assertThat(t).hasSizeBetween(1, KrpcCodec.MAX_TOKEN));
        } else if (message instanceof KrpcMessage.AnnouncePeer a) {
            assertThat(a.token()).hasSizeBetween(1, KrpcCodec.MAX_TOKEN);
            assertThat(a.port()).isBetween(a.impliedPort() ? 0 : 1, 65535);
        } else if (message instanceof KrpcMessage.Error e) {
            assertThat(e.message()).hasSizeLessThanOrEqualTo(KrpcCodec.MAX_ERROR_MESSAGE).matches("[ -~]*");
        }

        // Whatever decodes re-encodes (encode never refuses a decoded message), and decode . encode is the identity
        // on decoded messages when the result still fits a datagram (our 'v' may add a few bytes).
        byte[] again = KrpcCodec.encode(message);
        if (again.length <= KrpcCodec.MAX_PACKET) {
            KrpcMessage back = KrpcCodec.decode(again, again.length);
            assertThat(KrpcText.of(back)).isEqualTo(KrpcText.of(message));
            assertThat(KrpcCodec.encode(back)).isEqualTo(again);
        }
    }
}
