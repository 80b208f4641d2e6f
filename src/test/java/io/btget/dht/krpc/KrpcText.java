package io.btget.dht.krpc;

import java.util.HexFormat;
import java.util.Optional;

/** A KRPC message as one line of text with every byte array in hex, so tests can compare messages by content. */
final class KrpcText {
    private KrpcText() {
    }

    static String of(KrpcMessage m) {
        String t = hex(m.transactionId());
        if (m instanceof KrpcMessage.Ping p) {
            return "ping t=" + t + " id=" + p.sender() + " ro=" + p.readOnly();
        } else if (m instanceof KrpcMessage.FindNode f) {
            return "find_node t=" + t + " id=" + f.sender() + " ro=" + f.readOnly() + " target=" + f.target();
        } else if (m instanceof KrpcMessage.GetPeers g) {
            return "get_peers t=" + t + " id=" + g.sender() + " ro=" + g.readOnly() + " info_hash=" + g.infoHash();
        } else if (m instanceof KrpcMessage.AnnouncePeer a) {
            return "announce_peer t=" + t + " id=" + a.sender() + " ro=" + a.readOnly() + " info_hash=" + a.infoHash()
                    + " port=" + a.port() + " implied=" + a.impliedPort() + " token=" + hex(a.token());
        } else if (m instanceof KrpcMessage.Response r) {
            return "response t=" + t + " id=" + r.sender() + " nodes=" + r.nodes() + " nodes6=" + r.nodes6()
                    + " values=" + r.values() + " token=" + r.token().map(KrpcText::hex) + " ip=" + r.requester();
        } else {
            KrpcMessage.Error e = (KrpcMessage.Error) m;
            return "error t=" + t + " code=" + e.code() + " message=" + e.message();
        }
    }

    static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    static String of(Optional<? extends KrpcMessage> m) {
        return m.map(KrpcText::of).orElse("none");
    }
}
