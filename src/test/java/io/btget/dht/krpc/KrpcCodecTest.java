package io.btget.dht.krpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The KRPC codec against BEP 5's example packets, packets libtorrent 2.0.8 sent (testdata/krpc, see its README),
 * round trips, and each rejection rule of {@link KrpcCodec}.
 */
class KrpcCodecTest {
    private static final Path TESTDATA = Path.of(System.getProperty("btget.testdata", "testdata"), "krpc");
    private static final byte[] AA = ascii("aa");
    private static final NodeId ID_A = NodeId.of(ascii("abcdefghij0123456789"));
    private static final NodeId ID_M = NodeId.of(ascii("mnopqrstuvwxyz123456"));
    /** The version bytes every encoded packet carries: 1:v4:BG\0\1. */
    private static final String V = "1:v4:BG\u0000\u0001";

    // ------------------------------------------------------------------------------- BEP 5's example packets

    @Test
    void decodesBep5PingQueryAndResponse() throws KrpcException {
        KrpcMessage query = decode("d1:ad2:id20:abcdefghij0123456789e1:q4:ping1:t2:aa1:y1:qe");
        assertThat(query).isInstanceOf(KrpcMessage.Ping.class);
        KrpcMessage.Ping ping = (KrpcMessage.Ping) query;
        assertThat(ping.transactionId()).isEqualTo(AA);
        assertThat(ping.sender()).isEqualTo(ID_A);
        assertThat(ping.readOnly()).isFalse();

        KrpcMessage.Response response = response("d1:rd2:id20:mnopqrstuvwxyz123456e1:t2:aa1:y1:re");
        assertThat(response.transactionId()).isEqualTo(AA);
        assertThat(response.sender()).isEqualTo(ID_M);
        assertThat(response.nodes()).isEmpty();
        assertThat(response.values()).isEmpty();
        assertThat(response.token()).isEmpty();
        assertThat(response.requester()).isEmpty();
    }

    @Test
    void decodesBep5FindNodeQuery() throws KrpcException {
        KrpcMessage.FindNode q = (KrpcMessage.FindNode) decode(
                "d1:ad2:id20:abcdefghij01234567896:target20:mnopqrstuvwxyz123456e1:q9:find_node1:t2:aa1:y1:qe");
        assertThat(q.sender()).isEqualTo(ID_A);
        assertThat(q.target()).isEqualTo(ID_M);
    }

    @Test
    void bep5FindNodeResponseWithItsPlaceholderNodesIsInvalid() {
        // BEP 5 writes "def456..." (9 bytes) where 26-byte compact node infos belong: not a multiple of 26.
        KrpcException e = failure("d1:rd2:id20:0123456789abcdefghij5:nodes9:def456...e1:t2:aa1:y1:re");
        assertThat(e.getMessage()).contains("'nodes' of 9 bytes is not a multiple of 26");
        assertThat(e.transactionId()).hasValueSatisfying(t -> assertThat(t).isEqualTo(AA));
        assertThat(e.wasQuery()).isFalse();
    }

    @Test
    void decodesBep5GetPeersQueryAndResponseWithPeers() throws KrpcException {
        KrpcMessage.GetPeers q = (KrpcMessage.GetPeers) decode(
                "d1:ad2:id20:abcdefghij01234567899:info_hash20:mnopqrstuvwxyz123456e1:q9:get_peers1:t2:aa1:y1:qe");
        assertThat(q.infoHash()).isEqualTo(ID_M);

        KrpcMessage.Response r = response(
                "d1:rd2:id20:abcdefghij01234567895:token8:aoeusnth6:valuesl6:axje.u6:idhtnmee1:t2:aa1:y1:re");
        assertThat(r.token()).hasValueSatisfying(t -> assertThat(t).isEqualTo(ascii("aoeusnth")));
        // "axje.u" is 97.120.106.101 port 0x2e75; "idhtnm" is 105.100.104.116 port 0x6e6d.
        assertThat(r.values()).containsExactly(
                new InetSocketAddress("97.120.106.101", 0x2e75), new InetSocketAddress("105.100.104.116", 0x6e6d));
    }

    @Test
    void decodesBep5AnnouncePeerQuery() throws KrpcException {
        KrpcMessage.AnnouncePeer q = (KrpcMessage.AnnouncePeer) decode("d1:ad2:id20:abcdefghij012345678912:"
                + "implied_porti1e9:info_hash20:mnopqrstuvwxyz1234564:porti6881e5:token8:aoeusnthe"
                + "1:q13:announce_peer1:t2:aa1:y1:qe");
        assertThat(q.sender()).isEqualTo(ID_A);
        assertThat(q.infoHash()).isEqualTo(ID_M);
        assertThat(q.impliedPort()).isTrue();
        assertThat(q.port()).isEqualTo(6881);
        assertThat(q.token()).isEqualTo(ascii("aoeusnth"));
    }

    @Test
    void decodesBep5Error() throws KrpcException {
        KrpcMessage.Error e = (KrpcMessage.Error) decode("d1:eli201e23:A Generic Error Ocurrede1:t2:aa1:y1:ee");
        assertThat(e.transactionId()).isEqualTo(AA);
        assertThat(e.code()).isEqualTo(201);
        assertThat(e.message()).isEqualTo("A Generic Error Ocurred");
    }

    // ---------------------------------------------------------------------------- encoding, byte for byte

    @Test
    void encodesBep5PingQueryCanonicallyWithOurVersion() {
        byte[] packet = KrpcCodec.encode(new KrpcMessage.Ping(AA, ID_A, false));
        assertThat(latin1(packet)).isEqualTo("d1:ad2:id20:abcdefghij0123456789e1:q4:ping1:t2:aa" + V + "1:y1:qe");
    }

    @Test
    void encodesReadOnlyFlagAtTheTopLevelOnlyWhenSet() throws KrpcException {
        byte[] packet = KrpcCodec.encode(new KrpcMessage.FindNode(AA, ID_A, true, ID_M));
        assertThat(latin1(packet)).isEqualTo("d1:ad2:id20:abcdefghij01234567896:target20:mnopqrstuvwxyz123456e"
                + "1:q9:find_node2:roi1e1:t2:aa" + V + "1:y1:qe");
        assertThat(((KrpcMessage.Query) KrpcCodec.decode(packet)).readOnly()).isTrue();
    }

    @Test
    void encodesAnnouncePeerWithPortAlwaysAndImpliedPortWhenSet() {
        byte[] token = ascii("aoeusnth");
        assertThat(latin1(KrpcCodec.encode(new KrpcMessage.AnnouncePeer(AA, ID_A, false, ID_M, 6881, true, token))))
                .isEqualTo("d1:ad2:id20:abcdefghij012345678912:implied_porti1e9:info_hash20:mnopqrstuvwxyz123456"
                        + "4:porti6881e5:token8:aoeusnthe1:q13:announce_peer1:t2:aa" + V + "1:y1:qe");
        assertThat(latin1(KrpcCodec.encode(new KrpcMessage.AnnouncePeer(AA, ID_A, false, ID_M, 6881, false, token))))
                .isEqualTo("d1:ad2:id20:abcdefghij01234567899:info_hash20:mnopqrstuvwxyz123456"
                        + "4:porti6881e5:token8:aoeusnthe1:q13:announce_peer1:t2:aa" + V + "1:y1:qe");
    }

    @Test
    void encodesResponseWithRequesterNodesValuesAndToken() {
        NodeInfo node = new NodeInfo(ID_M, new InetSocketAddress("1.2.3.4", 0x1ae1));
        KrpcMessage.Response r = new KrpcMessage.Response(AA, ID_A, List.of(node), List.of(),
                List.of(new InetSocketAddress("5.6.7.8", 0x0102)), Optional.of(ascii("tk")),
                Optional.of(new InetSocketAddress("9.9.9.9", 0x2020)));
        assertThat(latin1(KrpcCodec.encode(r))).isEqualTo("d2:ip6:\t\t\t\t  1:rd2:id20:abcdefghij0123456789"
                + "5:nodes26:mnopqrstuvwxyz123456\u0001\u0002\u0003\u0004\u001a\u00e1"
                + "5:token2:tk6:valuesl6:\u0005\u0006\u0007\u0008\u0001\u0002ee1:t2:aa" + V + "1:y1:re");
    }

    @Test
    void encodesError() {
        assertThat(latin1(KrpcCodec.encode(new KrpcMessage.Error(AA, 203, "bad token"))))
                .isEqualTo("d1:eli203e9:bad tokene1:t2:aa" + V + "1:y1:ee");
    }

    @Test
    void encodeRefusesWhatADecoderWouldReject() {
        byte[] token = ascii("tk");
        assertThatThrownBy(() -> KrpcCodec.encode(new KrpcMessage.Ping(new byte[0], ID_A, false)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> KrpcCodec.encode(new KrpcMessage.Ping(new byte[17], ID_A, false)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> KrpcCodec.encode(new KrpcMessage.AnnouncePeer(AA, ID_A, false, ID_M, 0, false, token)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> KrpcCodec.encode(new KrpcMessage.AnnouncePeer(AA, ID_A, false, ID_M, 1, false,
                new byte[65]))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> KrpcCodec.encode(new KrpcMessage.Response(AA, ID_A, List.of(), List.of(),
                List.of(InetSocketAddress.createUnresolved("example.org", 1)), Optional.empty(), Optional.empty())))
                .isInstanceOf(IllegalArgumentException.class);
    }

    // ---------------------------------------------------------------------------------------- round trips

    @Test
    void everyQueryRoundTrips() throws KrpcException {
        byte[] tid = {(byte) 0xff, 0};
        byte[] token = new byte[KrpcCodec.MAX_TOKEN];
        token[0] = 7;
        List<KrpcMessage.Query> queries = List.of(
                new KrpcMessage.Ping(tid, ID_A, false),
                new KrpcMessage.Ping(new byte[KrpcCodec.MAX_TRANSACTION_ID], ID_A, true),
                new KrpcMessage.FindNode(tid, ID_A, false, ID_M),
                new KrpcMessage.GetPeers(tid, ID_M, true, ID_A),
                new KrpcMessage.AnnouncePeer(tid, ID_A, false, ID_M, 65535, false, token),
                new KrpcMessage.AnnouncePeer(tid, ID_A, true, ID_M, 0, true, new byte[1]));
        for (KrpcMessage.Query q : queries) {
            assertThat(KrpcText.of(KrpcCodec.decode(KrpcCodec.encode(q)))).isEqualTo(KrpcText.of(q));
        }
    }

    @Test
    void responsesAndErrorsRoundTrip() throws KrpcException {
        List<NodeInfo> nodes = new ArrayList<>();
        for (int i = 1; i <= 8; i++) {
            byte[] id = ID_A.bytes();
            id[19] = (byte) i;
            nodes.add(new NodeInfo(NodeId.of(id), new InetSocketAddress("10.0.0." + i, 6880 + i)));
        }
        List<NodeInfo> nodes6 = List.of(new NodeInfo(ID_M, new InetSocketAddress("2001:db8::1", 6881)));
        List<InetSocketAddress> values = List.of(new InetSocketAddress("192.168.1.1", 1),
                new InetSocketAddress("2001:db8::2", 65535));
        List<KrpcMessage> messages = List.of(
                new KrpcMessage.Response(AA, ID_A, nodes, nodes6, values, Optional.of(ascii("token")),
                        Optional.of(new InetSocketAddress("2001:db8::3", 6881))),
                new KrpcMessage.Response(AA, ID_M, List.of(), List.of(), List.of(), Optional.empty(),
                        Optional.of(new InetSocketAddress("127.0.0.1", 6881))),
                new KrpcMessage.Error(AA, 204, "Method Unknown"),
                new KrpcMessage.Error(AA, -1, ""));
        for (KrpcMessage m : messages) {
            assertThat(KrpcText.of(KrpcCodec.decode(KrpcCodec.encode(m)))).isEqualTo(KrpcText.of(m));
        }
    }

    @Test
    void compactNodesSkipIpv6AndNodes6MapIpv4() throws KrpcException {
        NodeInfo v4 = new NodeInfo(ID_A, new InetSocketAddress("1.2.3.4", 80));
        NodeInfo v6 = new NodeInfo(ID_M, new InetSocketAddress("::1", 81));
        assertThat(KrpcCodec.compactNodes(List.of(v4, v6))).hasSize(NodeInfo.COMPACT_IPV4);
        byte[] nodes6 = KrpcCodec.compactNodes6(List.of(v4, v6));
        assertThat(nodes6).hasSize(2 * NodeInfo.COMPACT_IPV6);
        assertThat(CompactInfo.nodes(nodes6, NodeInfo.COMPACT_IPV6, 10)).containsExactly(v4, v6);
        assertThat(KrpcCodec.compactPeer(new InetSocketAddress("1.2.3.4", 0x1ae1)))
                .containsExactly(1, 2, 3, 4, 0x1a, 0xe1);
        assertThat(KrpcCodec.compactPeer(new InetSocketAddress("::1", 1))).hasSize(CompactInfo.PEER_IPV6);
    }

    // ------------------------------------------------------------------------------- libtorrent's packets

    @Test
    void decodesLibtorrentQueries() throws Exception {
        NodeId nodeA = NodeId.fromHex("359aac8bca84b7826314956c3dea3a0a20e50ace");
        KrpcMessage.AnnouncePeer announce = (KrpcMessage.AnnouncePeer) captured("lt-query-announce_peer.bin");
        assertThat(announce.sender()).isEqualTo(nodeA);
        assertThat(announce.infoHash()).isEqualTo(NodeId.fromHex("4b3b06e2f518c2d829826432c1b73b3250a3cd96"));
        assertThat(announce.port()).isEqualTo(26882);
        assertThat(announce.impliedPort()).isFalse();
        assertThat(announce.token()).isEqualTo(new byte[] {'t', 'o', 'k', 2});
        assertThat(announce.transactionId()).hasSize(2);

        KrpcMessage.GetPeers bootstrap = (KrpcMessage.GetPeers) captured("lt-query-get_peers-bootstrap.bin");
        assertThat(bootstrap.sender()).isEqualTo(nodeA);
        assertThat(bootstrap.readOnly()).isFalse();
        assertThat(captured("lt-query-get_peers.bin")).isInstanceOf(KrpcMessage.GetPeers.class);
    }

    @Test
    void decodesLibtorrentResponses() throws Exception {
        NodeId nodeA = NodeId.fromHex("359aac8bca84b7826314956c3dea3a0a20e50ace");
        NodeId nodeB = NodeId.fromHex("ddbf6c5833ae16dc174e56212cca6a533f8cc92a");
        InetSocketAddress us = new InetSocketAddress("127.3.0.1", 26881);

        KrpcMessage.Response ping = (KrpcMessage.Response) captured("lt-response-ping.bin");
        assertThat(ping.sender()).isEqualTo(nodeB);
        assertThat(ping.requester()).contains(us);

        KrpcMessage.Response findNode = (KrpcMessage.Response) captured("lt-response-find_node.bin");
        assertThat(findNode.sender()).isEqualTo(nodeA);
        assertThat(findNode.nodes()).extracting(NodeInfo::address).containsExactly(
                new InetSocketAddress("127.2.0.1", 26883), new InetSocketAddress("127.2.0.1", 26883));
        assertThat(findNode.nodes().get(0).id()).isEqualTo(nodeB);

        KrpcMessage.Response withValues = (KrpcMessage.Response) captured("lt-response-get_peers-values.bin");
        assertThat(withValues.token()).hasValueSatisfying(t -> assertThat(t).hasSize(4));
        assertThat(withValues.values()).containsExactly(new InetSocketAddress("127.1.0.1", 26882));
        assertThat(withValues.nodes()).containsExactly(
                new NodeInfo(nodeA, new InetSocketAddress("127.1.0.1", 26882)));
        assertThat(withValues.requester()).contains(us);

        KrpcMessage.Response plain = (KrpcMessage.Response) captured("lt-response-get_peers.bin");
        assertThat(plain.values()).isEmpty();
        assertThat(plain.token()).isPresent();

        assertThat(captured("lt-response-announce_peer.bin")).isInstanceOf(KrpcMessage.Response.class);
        // BEP 51's reply: its extra keys (samples, num, interval) are ignored.
        assertThat(((KrpcMessage.Response) captured("lt-response-sample_infohashes.bin")).nodes()).hasSize(1);
    }

    @Test
    void decodesLibtorrentErrors() throws Exception {
        // libtorrent adds an 'r' with its id and an 'ip' to errors; both are ignored.
        assertThat(KrpcText.of(captured("lt-error-announce_peer.bin")))
                .isEqualTo(KrpcText.of(new KrpcMessage.Error(new byte[] {0, 0x0f}, 203, "invalid token")));
        assertThat(((KrpcMessage.Error) captured("lt-error-find_node.bin")).message())
                .isEqualTo("missing 'target' key");
        assertThat(((KrpcMessage.Error) captured("lt-error-frobnicate.bin")).message()).isEqualTo("unknown message");
    }

    @Test
    void reencodedLibtorrentPacketsDecodeToTheSameMessage() throws Exception {
        try (var files = Files.list(TESTDATA)) {
            for (Path file : files.filter(p -> p.toString().endsWith(".bin")).toList()) {
                KrpcMessage m = KrpcCodec.decode(Files.readAllBytes(file));
                assertThat(KrpcText.of(KrpcCodec.decode(KrpcCodec.encode(m)))).as(file.getFileName().toString())
                        .isEqualTo(KrpcText.of(m));
            }
        }
    }

    // ------------------------------------------------------------------------------------------ rejections

    @Test
    void rejectsPacketsThatAreNotOneDictionary() {
        assertThat(failure("").getMessage()).startsWith("not a KRPC message: bencode: unexpected end of input");
        assertThat(failure("le").getMessage()).contains("a bencoded list, not a dictionary");
        assertThat(failure("d1:t2:aa1:y1:qe").transactionId()).isPresent(); // valid t, then no q
        KrpcException trailing = failure("d1:rd2:id20:mnopqrstuvwxyz123456e1:t2:aa1:y1:rex");
        assertThat(trailing.getMessage()).contains("trailing");
        assertThat(trailing.wasQuery()).isFalse();
        assertThat(failure("d1:ad2:id20:abcdefghij0123456789e1:q4:ping1:t2:aa1:y1:q").getMessage())
                .contains("unterminated dictionary");
    }

    @Test
    void rejectsOversizedPacketEvenWhenTheBufferIsLarger() throws KrpcException {
        byte[] buffer = new byte[4096];
        byte[] ping = ascii("d1:ad2:id20:abcdefghij0123456789e1:q4:ping1:t2:aa1:y1:qe");
        System.arraycopy(ping, 0, buffer, 0, ping.length);
        assertThat(KrpcCodec.decode(buffer, ping.length)).isInstanceOf(KrpcMessage.Ping.class);
        KrpcException e = catchThrowableOfType(KrpcException.class,
                () -> KrpcCodec.decode(buffer, KrpcCodec.MAX_PACKET + 1));
        assertThat(e.getMessage()).isEqualTo("packet of 1501 bytes exceeds 1500");
    }

    @Test
    void rejectsBadTransactionIdsWithoutAnErrorReply() {
        for (String t : List.of("", "0:", "17:aaaaaaaaaaaaaaaaa", "i1e", "le")) {
            String packet = "d1:ad2:id20:abcdefghij0123456789e1:q4:ping" + (t.isEmpty() ? "" : "1:t" + t) + "1:y1:qe";
            KrpcException e = failure(packet);
            assertThat(e.transactionId()).as(t).isEmpty();
            assertThat(e.wasQuery()).isFalse();
            assertThat(KrpcCodec.errorReply(e)).isEmpty();
        }
    }

    @Test
    void rejectsUnknownMessageTypes() {
        for (String y : List.of("", "1:y1:x", "1:yi1e", "1:y2:qq")) {
            KrpcException e = failure("d1:ad2:id20:abcdefghij0123456789e1:q4:ping1:t2:aa" + y + "e");
            assertThat(e.transactionId()).as(y).isPresent();
            assertThat(e.wasQuery()).isFalse();
        }
    }

    @Test
    void unknownMethodIsError204WithTheTransactionId() {
        KrpcException e = failure("d1:ad2:id20:abcdefghij0123456789e1:q17:sample_infohashes1:t2:aa1:y1:qe");
        assertThat(e.code()).isEqualTo(KrpcException.METHOD_UNKNOWN);
        assertThat(e.wasQuery()).isTrue();
        assertThat(KrpcCodec.errorReply(e)).hasValueSatisfying(reply -> {
            assertThat(reply.code()).isEqualTo(204);
            assertThat(reply.transactionId()).isEqualTo(AA);
            assertThat(reply.message()).isEqualTo("unknown method sample_infohashes");
        });
    }

    @Test
    void malformedQueriesAreError203WithTheTransactionId() {
        String id = "2:id20:abcdefghij0123456789";
        String ih = "9:info_hash20:mnopqrstuvwxyz123456";
        List<String> bad = List.of(
                "d1:ad" + id + "e1:t2:aa1:y1:qe", // no q
                "d1:ad" + id + "e1:qi1e1:t2:aa1:y1:qe", // q not a string
                "d1:q4:ping1:t2:aa1:y1:qe", // no a
                "d1:al" + "e1:q4:ping1:t2:aa1:y1:qe", // a not a dict
                "d1:ade1:q4:ping1:t2:aa1:y1:qe", // no id
                "d1:ad2:id19:abcdefghij012345678e1:q4:ping1:t2:aa1:y1:qe", // id 19 bytes
                "d1:ad2:idi1ee1:q4:ping1:t2:aa1:y1:qe", // id not a string
                "d1:ad" + id + "e1:q9:find_node1:t2:aa1:y1:qe", // no target
                "d1:ad" + id + "6:target4:abcde1:q9:find_node1:t2:aa1:y1:qe", // short target
                "d1:ad" + id + "e1:q9:get_peers1:t2:aa1:y1:qe", // no info_hash
                "d1:ad" + id + ih + "5:token2:tke1:q13:announce_peer1:t2:aa1:y1:qe", // no port
                "d1:ad" + id + ih + "4:porti0e5:token2:tke1:q13:announce_peer1:t2:aa1:y1:qe", // port 0
                "d1:ad" + id + ih + "4:porti65536e5:token2:tke1:q13:announce_peer1:t2:aa1:y1:qe", // port too big
                "d1:ad" + id + ih + "4:port4:6881" + "5:token2:tke1:q13:announce_peer1:t2:aa1:y1:qe", // port string
                "d1:ad" + id + "12:implied_port1:1" + ih + "5:token2:tke1:q13:announce_peer1:t2:aa1:y1:qe",
                "d1:ad" + id + ih + "4:porti1ee1:q13:announce_peer1:t2:aa1:y1:qe", // no token
                "d1:ad" + id + ih + "4:porti1e5:token0:e1:q13:announce_peer1:t2:aa1:y1:qe", // empty token
                "d1:ad" + id + ih + "4:porti1e5:token65:" + "x".repeat(65) + "e1:q13:announce_peer1:t2:aa1:y1:qe",
                "d1:ad" + id + ih + "4:porti1e5:tokeni5ee1:q13:announce_peer1:t2:aa1:y1:qe"); // token an int
        for (String packet : bad) {
            KrpcException e = failure(packet);
            assertThat(e.code()).as(packet).isEqualTo(KrpcException.PROTOCOL);
            assertThat(e.wasQuery()).as(packet).isTrue();
            assertThat(e.transactionId()).as(packet).hasValueSatisfying(t -> assertThat(t).isEqualTo(AA));
            assertThat(KrpcCodec.errorReply(e)).as(packet).isPresent();
            assertThat(e.getMessage()).as(packet).doesNotContain("\n");
        }
    }

    @Test
    void impliedPortMakesThePortOptional() throws KrpcException {
        String head = "d1:ad2:id20:abcdefghij012345678912:implied_porti1e9:info_hash20:mnopqrstuvwxyz123456";
        String tail = "5:token2:tke1:q13:announce_peer1:t2:aa1:y1:qe";
        assertThat(((KrpcMessage.AnnouncePeer) decode(head + tail)).port()).isZero();
        assertThat(((KrpcMessage.AnnouncePeer) decode(head + "4:porti0e" + tail)).port()).isZero();
        assertThat(((KrpcMessage.AnnouncePeer) decode(head + "4:porti99999e" + tail)).port()).isZero();
        assertThat(((KrpcMessage.AnnouncePeer) decode(head + "4:port1:x" + tail)).port()).isZero();
        KrpcMessage.AnnouncePeer kept = (KrpcMessage.AnnouncePeer) decode(head + "4:porti443e" + tail);
        assertThat(kept.port()).isEqualTo(443);
        assertThat(kept.impliedPort()).isTrue();
        String zero = "d1:ad2:id20:abcdefghij012345678912:implied_porti0e9:info_hash20:mnopqrstuvwxyz123456";
        assertThat(((KrpcMessage.AnnouncePeer) decode(zero + "4:porti443e" + tail)).impliedPort()).isFalse();
    }

    @Test
    void readOnlyIsANonZeroTopLevelInteger() throws KrpcException {
        String q = "d1:ad2:id20:abcdefghij0123456789e1:q4:ping";
        assertThat(((KrpcMessage.Ping) decode(q + "2:roi1e1:t2:aa1:y1:qe")).readOnly()).isTrue();
        assertThat(((KrpcMessage.Ping) decode(q + "2:roi0e1:t2:aa1:y1:qe")).readOnly()).isFalse();
        assertThat(((KrpcMessage.Ping) decode(q + "2:ro1:11:t2:aa1:y1:qe")).readOnly()).isFalse();
        // BEP 43 puts ro at the top level; inside 'a' it means nothing.
        assertThat(((KrpcMessage.Ping) decode("d1:ad2:id20:abcdefghij01234567892:roi1ee1:q4:ping1:t2:aa1:y1:qe"))
                .readOnly()).isFalse();
    }

    @Test
    void malformedResponsesAreInvalidWithoutAReply() {
        String id = "2:id20:mnopqrstuvwxyz123456";
        List<String> bad = List.of(
                "d1:t2:aa1:y1:re", // no r
                "d1:rle1:t2:aa1:y1:re", // r not a dict
                "d1:rde1:t2:aa1:y1:re", // no id
                "d1:rd2:id3:abce1:t2:aa1:y1:re", // short id
                "d1:rd" + id + "5:nodes25:" + "n".repeat(25) + "e1:t2:aa1:y1:re",
                "d1:rd" + id + "5:nodes27:" + "n".repeat(27) + "e1:t2:aa1:y1:re",
                "d1:rd" + id + "5:nodesle" + "e1:t2:aa1:y1:re",
                "d1:rd" + id + "6:nodes626:" + "n".repeat(26) + "e1:t2:aa1:y1:re",
                "d1:rd" + id + "5:token65:" + "t".repeat(65) + "e1:t2:aa1:y1:re",
                "d1:rd" + id + "5:tokeni1ee1:t2:aa1:y1:re",
                "d1:rd" + id + "6:values6:abcdefe1:t2:aa1:y1:re"); // values not a list
        for (String packet : bad) {
            KrpcException e = failure(packet);
            assertThat(e.wasQuery()).as(packet).isFalse();
            assertThat(e.transactionId()).as(packet).isPresent();
            assertThat(KrpcCodec.errorReply(e)).as(packet).isEmpty();
        }
    }

    @Test
    void responseSkipsUnusableValuesAndNodesWithPortZero() throws KrpcException {
        String nodes = "mnopqrstuvwxyz123456\u0001\u0002\u0003\u0004\u0000\u0000"
                + "abcdefghij0123456789\u0001\u0002\u0003\u0004\u0000\u0001";
        KrpcMessage.Response r = response("d1:rd2:id20:mnopqrstuvwxyz1234565:nodes52:" + nodes
                + "6:valuesl5:short6:\u0001\u0001\u0001\u0001\u0000\u0000i5e6:\u0001\u0001\u0001\u0001\u0000\u0007"
                + "18:" + "\u0000".repeat(15) + "\u0001\u0000\u0008" + "le" + "ee1:t2:aa1:y1:re");
        assertThat(r.nodes()).containsExactly(new NodeInfo(ID_A, new InetSocketAddress("1.2.3.4", 1)));
        assertThat(r.values()).containsExactly(new InetSocketAddress("1.1.1.1", 7), new InetSocketAddress("::1", 8));
    }

    @Test
    void emptyTokenIsAbsentAndOddIpIsIgnored() throws KrpcException {
        KrpcMessage.Response r = response("d2:ip5:abcde1:rd2:id20:mnopqrstuvwxyz1234565:token0:e1:t2:aa1:y1:re");
        assertThat(r.token()).isEmpty();
        assertThat(r.requester()).isEmpty();
        KrpcMessage.Response v6 = response("d2:ip18:" + "\u0000".repeat(15) + "\u0001\u001a\u00e1"
                + "1:rd2:id20:mnopqrstuvwxyz123456e1:t2:aa1:y1:re");
        assertThat(v6.requester()).contains(new InetSocketAddress("::1", 6881));
    }

    @Test
    void valuesAndNodesAreBounded() throws KrpcException {
        // 240 entries fit a datagram; the 100 unusable ones are skipped without refusing the message. (A datagram
        // cannot hold MAX_VALUES 6-byte peers, so that bound only guards larger buffers, like MAX_NODES below.)
        String list = "1:x".repeat(100) + ("6:\u0001\u0001\u0001\u0001\u0000\u0001").repeat(140);
        KrpcMessage.Response r = response("d1:rd2:id20:mnopqrstuvwxyz1234566:valuesl" + list + "ee1:t2:aa1:y1:re");
        assertThat(r.values()).hasSize(140);

        byte[] many = new byte[NodeInfo.COMPACT_IPV4 * 300];
        for (int i = 0; i < 300; i++) {
            many[i * NodeInfo.COMPACT_IPV4 + 25] = 1; // port 1
        }
        assertThat(CompactInfo.nodes(many, NodeInfo.COMPACT_IPV4, KrpcCodec.MAX_NODES)).hasSize(KrpcCodec.MAX_NODES);
    }

    @Test
    void errorsTolerateOddMessagesButNeedAnIntegerCode() throws KrpcException {
        assertThat(((KrpcMessage.Error) decode("d1:eli202ee1:t2:aa1:y1:ee")).message()).isEmpty();
        assertThat(((KrpcMessage.Error) decode("d1:eli202ei5ee1:t2:aa1:y1:ee")).message()).isEmpty();
        KrpcMessage.Error longOne = (KrpcMessage.Error) decode(
                "d1:eli201e300:" + "\u0007\n".repeat(150) + "e1:t2:aa1:y1:ee");
        assertThat(longOne.message()).hasSize(KrpcCodec.MAX_ERROR_MESSAGE).matches("\\?+");
        // no e, e not a list, empty, no integer code, a code beyond 32 bits
        for (String e : List.of("", "1:e3:abc", "1:ele", "1:el3:abce", "1:eli9999999999ee")) {
            KrpcException failure = failure("d" + e + "1:t2:aa1:y1:ee");
            assertThat(failure.wasQuery()).isFalse();
        }
    }

    @Test
    void tooDeepNestingIsRefused() {
        String deep = "l".repeat(KrpcCodec.MAX_DEPTH) + "e".repeat(KrpcCodec.MAX_DEPTH);
        assertThat(failure("d1:t2:aa1:v" + deep + "1:y1:re").getMessage()).contains("nesting deeper than 8");
    }

    // ------------------------------------------------------------------------------------------------- helpers

    private static KrpcMessage decode(String latin1) throws KrpcException {
        return KrpcCodec.decode(latin1.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static KrpcMessage.Response response(String latin1) throws KrpcException {
        KrpcMessage m = decode(latin1);
        assertThat(m).isInstanceOf(KrpcMessage.Response.class);
        return (KrpcMessage.Response) m;
    }

    private static KrpcException failure(String latin1) {
        KrpcException e = catchThrowableOfType(KrpcException.class, () -> decode(latin1));
        assertThat(e).as("decoding %s", latin1).isNotNull();
        return e;
    }

    private static KrpcMessage captured(String name) throws IOException, KrpcException {
        return KrpcCodec.decode(Files.readAllBytes(TESTDATA.resolve(name)));
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static String latin1(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }
}
