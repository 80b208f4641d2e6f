package io.btget.tracker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

class UdpTrackerCodecTest {
    @Test
    void connectRequestIsTheBep15Layout() {
        byte[] p = UdpTrackerCodec.connectRequest(0x01020304);
        ByteBuffer b = ByteBuffer.wrap(p);
        assertThat(p).hasSize(16);
        assertThat(b.getLong()).isEqualTo(0x41727101980L);
        assertThat(b.getInt()).isZero();
        assertThat(b.getInt()).isEqualTo(0x01020304);
    }

    @Test
    void announceRequestRoundTripsThroughTheServerDecoder() throws Exception {
        AnnounceRequest r = new AnnounceRequest(TestData.awkwardInfoHash(), TestData.peerId("-BT-", 3), 51413,
                1, 2, 3, AnnounceEvent.COMPLETED, 25);
        byte[] p = UdpTrackerCodec.announceRequest(77L, 9, r, 1234);
        assertThat(p).hasSize(98);
        assertThat(ByteBuffer.wrap(p, 80, 4).getInt()).as("BEP 15 event id of completed").isEqualTo(1);
        var decoded = (UdpTrackerCodec.AnnouncePacket) UdpTrackerCodec.decodeRequest(p, p.length);
        assertThat(decoded.connectionId()).isEqualTo(77L);
        assertThat(decoded.transactionId()).isEqualTo(9);
        assertThat(decoded.key()).isEqualTo(1234);
        assertThat(decoded.request()).isEqualTo(r);
    }

    @Test
    void decodesAnnounceRepliesWithIpv4OrIpv6EntriesByTransport() throws Exception {
        var v4 = new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 6881);
        var v6 = new InetSocketAddress(InetAddress.getByName("::1"), 6882);
        byte[] four = UdpTrackerCodec.announceReply(5, 120, 2, 1, List.of(v4, v6), false);
        assertThat(four).hasSize(20 + 6);
        var a = (UdpTrackerCodec.Announced) UdpTrackerCodec.decodeReply(four, four.length, false);
        assertThat(a.transactionId()).isEqualTo(5);
        assertThat(a.response().intervalSeconds()).isEqualTo(120);
        assertThat(a.response().leechers()).hasValue(2);
        assertThat(a.response().seeders()).hasValue(1);
        assertThat(a.response().peers()).containsExactly(v4);
        byte[] six = UdpTrackerCodec.announceReply(5, 120, 2, 1, List.of(v4, v6), true);
        assertThat(six).hasSize(20 + 18);
        var b = (UdpTrackerCodec.Announced) UdpTrackerCodec.decodeReply(six, six.length, true);
        assertThat(b.response().peers()).containsExactly(v6);
    }

    @Test
    void decodesTheErrorActionIntoItsMessage() throws Exception {
        byte[] p = UdpTrackerCodec.errorReply(8, "unregistered torrent");
        var f = (UdpTrackerCodec.Failed) UdpTrackerCodec.decodeReply(p, p.length, false);
        assertThat(f.transactionId()).isEqualTo(8);
        assertThat(f.message()).isEqualTo("unregistered torrent");
    }

    @Test
    void rejectsShortPacketsUnknownActionsAndPartialPeerEntries() {
        assertThatThrownBy(() -> UdpTrackerCodec.decodeReply(new byte[7], 7, false))
                .isInstanceOf(TrackerException.class).hasMessageContaining("too short");
        byte[] connect = ByteBuffer.allocate(12).putInt(0).putInt(1).putInt(2).array();
        assertThatThrownBy(() -> UdpTrackerCodec.decodeReply(connect, 12, false))
                .isInstanceOf(TrackerException.class).hasMessageContaining("need 16");
        byte[] unknown = ByteBuffer.allocate(16).putInt(9).array();
        assertThatThrownBy(() -> UdpTrackerCodec.decodeReply(unknown, 16, false))
                .isInstanceOf(TrackerException.class).hasMessageContaining("unknown action 9");
        byte[] partial = ByteBuffer.allocate(23).putInt(1).array();
        assertThatThrownBy(() -> UdpTrackerCodec.decodeReply(partial, 23, false))
                .isInstanceOf(TrackerException.class).hasMessageContaining("not a multiple of 6");
    }

    @Test
    void serverRejectsConnectWithoutTheProtocolIdAndTruncatedAnnounces() {
        byte[] badConnect = ByteBuffer.allocate(16).putLong(1).putInt(0).putInt(0).array();
        assertThatThrownBy(() -> UdpTrackerCodec.decodeRequest(badConnect, 16))
                .isInstanceOf(TrackerException.class).hasMessageContaining("protocol id");
        byte[] shortAnnounce = ByteBuffer.allocate(60).putLong(1).putInt(1).putInt(0).array();
        assertThatThrownBy(() -> UdpTrackerCodec.decodeRequest(shortAnnounce, 60))
                .isInstanceOf(TrackerException.class).hasMessageContaining("need 98");
    }
}
